//! The default scenario: what is simulated when a scenario leaves something out, so that
//! any model simulates.
//!
//! | what | default |
//! |---|---|
//! | arrivals | exponential inter-arrival times, mean 2 h, around the clock |
//! | task duration | exponential, mean 1 h, for every task without a `task_resource_distribution` entry |
//! | resources | one pool per innermost lane (one "default" pool without lanes), as many units as the lane has activities, 24/7, cost 0 |
//! | exclusive split | equal probabilities over its outgoing flows (unlisted flows share what listed ones leave) |
//! | inclusive split | each outgoing flow independently with probability 0.5 (at least one is taken) |
//! | timer event | its `timeDuration` (or the period of `timeCycle`), else 1 h |
//! | message/signal/conditional catch event | exponential wait, mean 1 h |
//! | non-timer boundary event | fires in 10% of executions |
//! | standard loop | runs again with probability 0.25, at most `loopMaximum` or 1000 times |
//! | multi-instance | `loopCardinality` when it is a number, else 3 instances |
//! | loop guard | a split gateway runs at most 1000 times per scope instance; then the case leaves the loop by a flow that does not lead back |

use super::dist::{Dist, Shape};

/// Mean inter-arrival time (seconds).
pub const ARRIVAL_MEAN: f64 = 7200.0;
/// Mean task duration (seconds).
pub const TASK_MEAN: f64 = 3600.0;
/// Mean message wait (seconds).
pub const MESSAGE_MEAN: f64 = 3600.0;
/// Timer duration when the model gives none (seconds).
pub const TIMER: f64 = 3600.0;
/// Firing probability of non-timer boundary events.
pub const BOUNDARY_P: f64 = 0.1;
/// Probability that a standard loop runs again.
pub const LOOP_P: f64 = 0.25;
/// Independent branch probability of inclusive splits.
pub const OR_BRANCH_P: f64 = 0.5;
/// Instances of a multi-instance activity without a count.
pub const MI_COUNT: u32 = 3;
/// Cost per hour of default pools.
pub const COST_PER_HOUR: f64 = 0.0;
/// Note shown when the default arrivals are used.
pub const ARRIVAL_NOTE: &str =
    "no `arrival_time_distribution`: exponential inter-arrival times with mean 2 h";

fn expon(mean: f64) -> Dist {
    Dist::new(
        Shape::Exponential {
            loc: 0.0,
            scale: mean,
        },
        0.0,
        f64::INFINITY,
    )
    .unwrap_or_else(|_| Dist::fixed(mean))
}

/// Default inter-arrival distribution.
#[must_use]
pub fn arrival() -> Dist {
    expon(ARRIVAL_MEAN)
}

/// Default task duration.
#[must_use]
pub fn task() -> Dist {
    expon(TASK_MEAN)
}

/// Default wait of a message, signal or conditional event.
#[must_use]
pub fn message_wait() -> Dist {
    expon(MESSAGE_MEAN)
}

/// Default timer.
#[must_use]
pub fn timer() -> Dist {
    Dist::fixed(TIMER)
}

/// Units of a default pool serving `activities` activities.
#[must_use]
pub fn pool_size(activities: usize) -> u32 {
    u32::try_from(activities.max(1)).unwrap_or(u32::MAX)
}
