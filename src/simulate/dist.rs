//! Duration distributions: sampling (for the engine) and CDFs and moments (for the
//! analytic method).
//!
//! Parameters follow Prosimos 2.1.0 (all in seconds), with min/max truncation done as
//! Prosimos does it: a sample that is negative or outside `[min, max]` is drawn again, up
//! to [`MAX_REDRAWS`] times; after that it is clamped into the range (Prosimos substitutes
//! a fixed fallback value instead, which silently changes the mean).

use rand::Rng;
use rand_distr::Distribution as _;
use statrs::distribution::ContinuousCDF as _;

/// How many times a truncated distribution is drawn again before the sample is clamped.
pub const MAX_REDRAWS: u32 = 100;

/// The shape of a distribution, with its parameters resolved.
#[derive(Debug, Clone)]
pub enum Shape {
    /// Always the same value.
    Fixed(f64),
    /// `loc + Exp(scale)`.
    Exponential {
        /// Shift (Prosimos's `min`).
        loc: f64,
        /// Mean minus shift.
        scale: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Uniform on `[lo, hi]`.
    Uniform {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// Log-normal with the parameters of the underlying normal.
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Gamma (Erlang is a gamma with integer shape).
    Gamma {
        /// Shape `k`.
        shape: f64,
        /// Scale `θ`.
        scale: f64,
    },
    /// Triangular on `[lo, hi]` with mode `mode`.
    Triangular {
        /// Lower end.
        lo: f64,
        /// Mode.
        mode: f64,
        /// Upper end.
        hi: f64,
    },
    /// Weibull.
    Weibull {
        /// Shape `k`.
        shape: f64,
        /// Scale `λ`.
        scale: f64,
    },
    /// An empirical histogram: bin `i` holds values around `mids[i]`, with cumulative
    /// probability `cdf[i]`.
    Histogram {
        /// Cumulative probabilities, ascending, last 1.
        cdf: Box<[f64]>,
        /// Bin midpoints, ascending.
        mids: Box<[f64]>,
    },
}

/// A distribution ready to sample: a shape plus truncation bounds.
#[derive(Debug, Clone)]
pub struct Dist {
    /// The shape.
    pub shape: Shape,
    /// Lower truncation bound (at least 0: durations are never negative).
    pub lo: f64,
    /// Upper truncation bound.
    pub hi: f64,
    sampler: Sampler,
}

#[derive(Debug, Clone)]
enum Sampler {
    Fixed,
    Exp(rand_distr::Exp<f64>),
    Normal(rand_distr::Normal<f64>),
    Uniform(rand_distr::Uniform<f64>),
    LogNormal(rand_distr::LogNormal<f64>),
    Gamma(rand_distr::Gamma<f64>),
    Triangular(rand_distr::Triangular<f64>),
    Weibull(rand_distr::Weibull<f64>),
    Histogram,
}

/// Why a distribution could not be built.
pub type ShapeError = String;

impl Dist {
    /// A fixed value.
    #[must_use]
    pub fn fixed(v: f64) -> Dist {
        Dist {
            shape: Shape::Fixed(v.max(0.0)),
            lo: 0.0,
            hi: f64::INFINITY,
            sampler: Sampler::Fixed,
        }
    }

    /// Builds a distribution, checking its parameters.
    ///
    /// # Errors
    /// Parameters out of range (negative means, zero or negative spreads, ...).
    pub fn new(shape: Shape, lo: f64, hi: f64) -> Result<Dist, ShapeError> {
        let bad = |what: &str| Err(what.to_owned());
        let sampler = match &shape {
            Shape::Fixed(v) => {
                if !v.is_finite() || *v < 0.0 {
                    return bad("the value must be a finite number >= 0");
                }
                Sampler::Fixed
            }
            Shape::Exponential { scale, .. } => {
                if *scale == 0.0 {
                    Sampler::Fixed
                } else {
                    Sampler::Exp(
                        rand_distr::Exp::new(1.0 / scale)
                            .map_err(|_| "the mean must be > min".to_owned())?,
                    )
                }
            }
            Shape::Normal { mean, sd } => Sampler::Normal(
                rand_distr::Normal::new(*mean, *sd)
                    .map_err(|_| "the standard deviation must be finite and >= 0".to_owned())?,
            ),
            Shape::Uniform { lo, hi } => {
                if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                    return bad("uniform needs finite min <= max");
                }
                Sampler::Uniform(
                    rand_distr::Uniform::new_inclusive(*lo, *hi)
                        .map_err(|_| "uniform needs finite min <= max".to_owned())?,
                )
            }
            Shape::LogNormal { mu, sigma } => Sampler::LogNormal(
                rand_distr::LogNormal::new(*mu, *sigma)
                    .map_err(|_| "log-normal needs mean > 0 and variance >= 0".to_owned())?,
            ),
            Shape::Gamma { shape: k, scale } => Sampler::Gamma(
                rand_distr::Gamma::new(*k, *scale)
                    .map_err(|_| "gamma needs mean > 0 and variance > 0".to_owned())?,
            ),
            Shape::Triangular { lo, mode, hi } => Sampler::Triangular(
                rand_distr::Triangular::new(*lo, *hi, *mode)
                    .map_err(|_| "triangular needs min <= mode <= max".to_owned())?,
            ),
            Shape::Weibull { shape: k, scale } => Sampler::Weibull(
                rand_distr::Weibull::new(*scale, *k)
                    .map_err(|_| "Weibull needs shape > 0 and scale > 0".to_owned())?,
            ),
            Shape::Histogram { cdf, mids } => {
                if cdf.is_empty() || cdf.len() != mids.len() {
                    return bad(
                        "histogram_data needs cdf and bin_midpoints of the same, non-zero length",
                    );
                }
                if cdf.windows(2).any(|w| w[1] < w[0]) || mids.iter().any(|m| !m.is_finite()) {
                    return bad("histogram cdf must be ascending and midpoints finite");
                }
                Sampler::Histogram
            }
        };
        let lo = if lo.is_finite() { lo.max(0.0) } else { 0.0 };
        let hi = if hi.is_nan() { f64::INFINITY } else { hi };
        if hi < lo {
            return bad("max must be >= min");
        }
        Ok(Dist {
            shape,
            lo,
            hi,
            sampler,
        })
    }

    /// Whether the value is always the same.
    #[must_use]
    pub fn is_fixed(&self) -> bool {
        matches!(self.sampler, Sampler::Fixed)
    }

    fn raw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Fixed => match self.shape {
                Shape::Fixed(v) => v,
                Shape::Exponential { loc, .. } => loc,
                _ => 0.0,
            },
            Sampler::Exp(d) => match self.shape {
                Shape::Exponential { loc, .. } => loc + d.sample(rng),
                _ => d.sample(rng),
            },
            Sampler::Normal(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Weibull(d) => d.sample(rng),
            Sampler::Histogram => match &self.shape {
                Shape::Histogram { cdf, mids } => {
                    let u: f64 = rng.random::<f64>() * cdf.last().copied().unwrap_or(1.0);
                    let i = cdf.partition_point(|&c| c < u).min(mids.len() - 1);
                    mids[i]
                }
                _ => 0.0,
            },
        }
    }

    /// One sample, truncated to `[lo, hi]` by redrawing (then clamping).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let mut x = self.raw(rng);
        let mut tries = 0;
        while (x < self.lo || x > self.hi || x.is_nan()) && tries < MAX_REDRAWS {
            x = self.raw(rng);
            tries += 1;
        }
        if x.is_nan() {
            self.lo
        } else {
            x.clamp(self.lo, self.hi)
        }
    }

    /// CDF of the untruncated shape.
    fn shape_cdf(&self, x: f64) -> f64 {
        match &self.shape {
            Shape::Fixed(v) => f64::from(u8::from(x >= *v)),
            Shape::Exponential { loc, scale } => {
                if *scale == 0.0 {
                    f64::from(u8::from(x >= *loc))
                } else if x <= *loc {
                    0.0
                } else {
                    1.0 - (-(x - loc) / scale).exp()
                }
            }
            Shape::Normal { mean, sd } => {
                if *sd == 0.0 {
                    f64::from(u8::from(x >= *mean))
                } else {
                    statrs::distribution::Normal::new(*mean, *sd).map_or(0.0, |d| d.cdf(x))
                }
            }
            Shape::Uniform { lo, hi } => {
                if hi <= lo {
                    f64::from(u8::from(x >= *lo))
                } else {
                    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
                }
            }
            Shape::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else if *sigma == 0.0 {
                    f64::from(u8::from(x.ln() >= *mu))
                } else {
                    statrs::distribution::LogNormal::new(*mu, *sigma).map_or(0.0, |d| d.cdf(x))
                }
            }
            Shape::Gamma { shape, scale } => {
                if x <= 0.0 {
                    0.0
                } else {
                    statrs::distribution::Gamma::new(*shape, 1.0 / scale).map_or(0.0, |d| d.cdf(x))
                }
            }
            Shape::Triangular { lo, mode, hi } => {
                if x <= *lo {
                    0.0
                } else if x >= *hi {
                    1.0
                } else if x <= *mode {
                    (x - lo).powi(2) / ((hi - lo) * (mode - lo))
                } else {
                    1.0 - (hi - x).powi(2) / ((hi - lo) * (hi - mode))
                }
            }
            Shape::Weibull { shape, scale } => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0 - (-(x / scale).powf(*shape)).exp()
                }
            }
            Shape::Histogram { cdf, mids } => {
                let i = mids.partition_point(|&m| m <= x);
                if i == 0 {
                    0.0
                } else {
                    cdf[i - 1] / cdf.last().copied().unwrap_or(1.0)
                }
            }
        }
    }

    /// CDF of the truncated distribution (what [`Dist::sample`] draws from).
    #[must_use]
    pub fn cdf(&self, x: f64) -> f64 {
        if x < self.lo {
            return 0.0;
        }
        if x >= self.hi {
            return 1.0;
        }
        match &self.shape {
            Shape::Fixed(v) => return f64::from(u8::from(x >= v.clamp(self.lo, self.hi))),
            Shape::Histogram { .. } | Shape::Exponential { .. }
                if self.is_fixed() || matches!(self.shape, Shape::Histogram { .. }) =>
            {
                return self.shape_cdf(x);
            }
            _ => {}
        }
        // Continuous shapes: no mass at a point, so F(lo) is the mass cut off below.
        let below = self.shape_cdf(self.lo);
        let upper = self.shape_cdf(self.hi);
        let mass = upper - below;
        if mass <= 1e-12 {
            // Everything was outside the range: sample() clamps to the nearer bound.
            return f64::from(u8::from(x >= self.clamped_constant()));
        }
        ((self.shape_cdf(x) - below) / mass).clamp(0.0, 1.0)
    }

    fn clamped_constant(&self) -> f64 {
        self.shape_mean().clamp(self.lo, self.hi)
    }

    /// Mean of the untruncated shape.
    #[must_use]
    pub fn shape_mean(&self) -> f64 {
        match &self.shape {
            Shape::Fixed(v) => *v,
            Shape::Exponential { loc, scale } => loc + scale,
            Shape::Normal { mean, .. } => *mean,
            Shape::Uniform { lo, hi } => (lo + hi) / 2.0,
            Shape::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Shape::Gamma { shape, scale } => shape * scale,
            Shape::Triangular { lo, mode, hi } => (lo + mode + hi) / 3.0,
            Shape::Weibull { shape, scale } => {
                scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape)
            }
            Shape::Histogram { cdf, mids } => {
                let total = cdf.last().copied().unwrap_or(1.0);
                let mut prev = 0.0;
                let mut m = 0.0;
                for (c, x) in cdf.iter().zip(mids.iter()) {
                    m += (c - prev) / total * x;
                    prev = *c;
                }
                m
            }
        }
    }

    /// The point masses or the natural upper end used to size grids: a value `x` with
    /// `cdf(x)` ≈ 1 − 1e-9.
    #[must_use]
    pub fn upper_quantile(&self) -> f64 {
        // Doubling search on the truncated CDF, capped by the truncation bound.
        let mut hi = self.shape_mean().max(self.lo).max(1.0);
        let mut guard = 0;
        while hi < self.hi && self.cdf(hi) < 1.0 - 1e-9 && guard < 200 {
            hi *= 2.0;
            guard += 1;
        }
        hi.min(self.hi)
    }

    /// Mean and variance of the truncated distribution, computed numerically from the CDF.
    #[must_use]
    pub fn moments(&self) -> (f64, f64) {
        if let Shape::Fixed(v) = self.shape {
            return (v, 0.0);
        }
        if let Shape::Histogram { cdf, mids } = &self.shape {
            let total = cdf.last().copied().unwrap_or(1.0);
            let (mut m1, mut m2, mut prev) = (0.0, 0.0, 0.0);
            for (c, x) in cdf.iter().zip(mids.iter()) {
                let x = x.clamp(self.lo, self.hi);
                let p = (c - prev) / total;
                m1 += p * x;
                m2 += p * x * x;
                prev = *c;
            }
            return (m1, (m2 - m1 * m1).max(0.0));
        }
        // E[X] = ∫ (1 - F), E[X²] = ∫ 2x (1 - F) on a fine grid (Simpson).
        let top = self.upper_quantile();
        let n = 4000;
        let h = top / f64::from(n);
        let (mut m1, mut m2) = (0.0, 0.0);
        for i in 0..=n {
            let x = f64::from(i) * h;
            let s = 1.0 - self.cdf(x);
            let w = if i == 0 || i == n {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            m1 += w * s;
            m2 += w * 2.0 * x * s;
        }
        m1 *= h / 3.0;
        m2 *= h / 3.0;
        (m1, (m2 - m1 * m1).max(0.0))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn mean_of(d: &Dist) -> f64 {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 200_000;
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / f64::from(n)
    }

    #[test]
    fn sample_means_match_moments() {
        let dists = [
            Dist::new(
                Shape::Exponential {
                    loc: 0.0,
                    scale: 600.0,
                },
                0.0,
                1e9,
            )
            .unwrap(),
            Dist::new(
                Shape::Normal {
                    mean: 100.0,
                    sd: 80.0,
                },
                0.0,
                f64::INFINITY,
            )
            .unwrap(),
            Dist::new(
                Shape::Gamma {
                    shape: 2.0,
                    scale: 50.0,
                },
                0.0,
                150.0,
            )
            .unwrap(),
            Dist::new(
                Shape::Triangular {
                    lo: 10.0,
                    mode: 20.0,
                    hi: 60.0,
                },
                0.0,
                f64::INFINITY,
            )
            .unwrap(),
            Dist::new(
                Shape::Weibull {
                    shape: 1.5,
                    scale: 100.0,
                },
                0.0,
                f64::INFINITY,
            )
            .unwrap(),
            Dist::new(
                Shape::LogNormal {
                    mu: 4.0,
                    sigma: 0.5,
                },
                0.0,
                f64::INFINITY,
            )
            .unwrap(),
        ];
        for d in &dists {
            let (m, _) = d.moments();
            let s = mean_of(d);
            assert!((s - m).abs() / m < 0.01, "{d:?}: sampled {s}, analytic {m}");
        }
    }

    #[test]
    fn truncation_redraws_into_range() {
        let d = Dist::new(
            Shape::Normal {
                mean: 0.0,
                sd: 10.0,
            },
            5.0,
            6.0,
        )
        .unwrap();
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        for _ in 0..1000 {
            let x = d.sample(&mut rng);
            assert!((5.0..=6.0).contains(&x));
        }
    }
}
