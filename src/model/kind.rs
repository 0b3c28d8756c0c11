//! The kinds of BPMN 2.0 semantic elements, named as in the spec.

macro_rules! kinds {
    ($( $variant:ident = $local:literal ),* $(,)?) => {
        /// The kind of a semantic BPMN element, one variant per element local name of the
        /// BPMN 2.0 model namespace. Elements of that namespace that this list does not
        /// name (choreographies, conversations, ...) are kept as [`Kind::Other`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Kind {
            $(
                #[doc = concat!("`", $local, "`")]
                $variant,
            )*
            /// Another element of the BPMN model namespace, by local name.
            Other(Box<str>),
        }

        impl Kind {
            /// The kind for a local name of the BPMN model namespace.
            #[must_use]
            pub fn from_local_name(local: &str) -> Kind {
                match local {
                    $( $local => Kind::$variant, )*
                    other => Kind::Other(other.into()),
                }
            }

            /// The element's local name, as written in XML (`userTask`).
            #[must_use]
            pub fn local_name(&self) -> &str {
                match self {
                    $( Kind::$variant => $local, )*
                    Kind::Other(name) => name,
                }
            }
        }
    };
}

kinds! {
    Definitions = "definitions",
    Import = "import",
    Process = "process",
    Collaboration = "collaboration",
    Participant = "participant",
    MessageFlow = "messageFlow",
    LaneSet = "laneSet",
    ChildLaneSet = "childLaneSet",
    Lane = "lane",
    StartEvent = "startEvent",
    EndEvent = "endEvent",
    IntermediateCatchEvent = "intermediateCatchEvent",
    IntermediateThrowEvent = "intermediateThrowEvent",
    BoundaryEvent = "boundaryEvent",
    ImplicitThrowEvent = "implicitThrowEvent",
    MessageEventDefinition = "messageEventDefinition",
    TimerEventDefinition = "timerEventDefinition",
    ErrorEventDefinition = "errorEventDefinition",
    EscalationEventDefinition = "escalationEventDefinition",
    SignalEventDefinition = "signalEventDefinition",
    ConditionalEventDefinition = "conditionalEventDefinition",
    LinkEventDefinition = "linkEventDefinition",
    CompensateEventDefinition = "compensateEventDefinition",
    TerminateEventDefinition = "terminateEventDefinition",
    CancelEventDefinition = "cancelEventDefinition",
    TimeDate = "timeDate",
    TimeDuration = "timeDuration",
    TimeCycle = "timeCycle",
    Condition = "condition",
    Task = "task",
    UserTask = "userTask",
    ServiceTask = "serviceTask",
    ScriptTask = "scriptTask",
    ManualTask = "manualTask",
    SendTask = "sendTask",
    ReceiveTask = "receiveTask",
    BusinessRuleTask = "businessRuleTask",
    CallActivity = "callActivity",
    SubProcess = "subProcess",
    AdHocSubProcess = "adHocSubProcess",
    Transaction = "transaction",
    Script = "script",
    StandardLoopCharacteristics = "standardLoopCharacteristics",
    MultiInstanceLoopCharacteristics = "multiInstanceLoopCharacteristics",
    LoopCondition = "loopCondition",
    LoopCardinality = "loopCardinality",
    CompletionCondition = "completionCondition",
    ExclusiveGateway = "exclusiveGateway",
    InclusiveGateway = "inclusiveGateway",
    ParallelGateway = "parallelGateway",
    ComplexGateway = "complexGateway",
    EventBasedGateway = "eventBasedGateway",
    ActivationCondition = "activationCondition",
    SequenceFlow = "sequenceFlow",
    ConditionExpression = "conditionExpression",
    DataObject = "dataObject",
    DataObjectReference = "dataObjectReference",
    DataStore = "dataStore",
    DataStoreReference = "dataStoreReference",
    DataState = "dataState",
    DataInput = "dataInput",
    DataOutput = "dataOutput",
    InputSet = "inputSet",
    OutputSet = "outputSet",
    IoSpecification = "ioSpecification",
    DataInputAssociation = "dataInputAssociation",
    DataOutputAssociation = "dataOutputAssociation",
    Assignment = "assignment",
    From = "from",
    To = "to",
    Transformation = "transformation",
    Property = "property",
    TextAnnotation = "textAnnotation",
    Text = "text",
    Association = "association",
    Group = "group",
    Category = "category",
    CategoryValue = "categoryValue",
    Message = "message",
    Signal = "signal",
    Error = "error",
    Escalation = "escalation",
    Resource = "resource",
    ResourceParameter = "resourceParameter",
    ItemDefinition = "itemDefinition",
    Interface = "interface",
    Operation = "operation",
    EndPoint = "endPoint",
    Performer = "performer",
    HumanPerformer = "humanPerformer",
    PotentialOwner = "potentialOwner",
    ResourceAssignmentExpression = "resourceAssignmentExpression",
    ResourceParameterBinding = "resourceParameterBinding",
    Expression = "expression",
    FormalExpression = "formalExpression",
    Documentation = "documentation",
    ExtensionElements = "extensionElements",
    Extension = "extension",
    GlobalTask = "globalTask",
    Relationship = "relationship",
}

impl Kind {
    /// Flow nodes: events, activities and gateways (the nodes of a flow graph).
    #[must_use]
    pub fn is_flow_node(&self) -> bool {
        self.is_event() || self.is_activity() || self.is_gateway()
    }

    /// Start, end, intermediate and boundary events.
    #[must_use]
    pub fn is_event(&self) -> bool {
        matches!(
            self,
            Kind::StartEvent
                | Kind::EndEvent
                | Kind::IntermediateCatchEvent
                | Kind::IntermediateThrowEvent
                | Kind::BoundaryEvent
                | Kind::ImplicitThrowEvent
        )
    }

    /// Catching events (start, intermediate catch, boundary).
    #[must_use]
    pub fn is_catch_event(&self) -> bool {
        matches!(
            self,
            Kind::StartEvent | Kind::IntermediateCatchEvent | Kind::BoundaryEvent
        )
    }

    /// Throwing events (end, intermediate throw).
    #[must_use]
    pub fn is_throw_event(&self) -> bool {
        matches!(
            self,
            Kind::EndEvent | Kind::IntermediateThrowEvent | Kind::ImplicitThrowEvent
        )
    }

    /// Tasks of every type (not sub-processes or call activities).
    #[must_use]
    pub fn is_task(&self) -> bool {
        matches!(
            self,
            Kind::Task
                | Kind::UserTask
                | Kind::ServiceTask
                | Kind::ScriptTask
                | Kind::ManualTask
                | Kind::SendTask
                | Kind::ReceiveTask
                | Kind::BusinessRuleTask
        )
    }

    /// Embedded sub-processes of any kind (sub-process, ad-hoc sub-process, transaction).
    #[must_use]
    pub fn is_sub_process(&self) -> bool {
        matches!(
            self,
            Kind::SubProcess | Kind::AdHocSubProcess | Kind::Transaction
        )
    }

    /// Activities: tasks, sub-processes and call activities.
    #[must_use]
    pub fn is_activity(&self) -> bool {
        self.is_task() || self.is_sub_process() || *self == Kind::CallActivity
    }

    /// Gateways of every type.
    #[must_use]
    pub fn is_gateway(&self) -> bool {
        matches!(
            self,
            Kind::ExclusiveGateway
                | Kind::InclusiveGateway
                | Kind::ParallelGateway
                | Kind::ComplexGateway
                | Kind::EventBasedGateway
        )
    }

    /// Event definitions (`messageEventDefinition`, `timerEventDefinition`, ...).
    #[must_use]
    pub fn is_event_definition(&self) -> bool {
        matches!(
            self,
            Kind::MessageEventDefinition
                | Kind::TimerEventDefinition
                | Kind::ErrorEventDefinition
                | Kind::EscalationEventDefinition
                | Kind::SignalEventDefinition
                | Kind::ConditionalEventDefinition
                | Kind::LinkEventDefinition
                | Kind::CompensateEventDefinition
                | Kind::TerminateEventDefinition
                | Kind::CancelEventDefinition
        )
    }

    /// Scopes that contain flow elements: processes and embedded sub-processes.
    #[must_use]
    pub fn is_flow_container(&self) -> bool {
        *self == Kind::Process || self.is_sub_process()
    }

    /// Data inputs/outputs associations.
    #[must_use]
    pub fn is_data_association(&self) -> bool {
        matches!(
            self,
            Kind::DataInputAssociation | Kind::DataOutputAssociation
        )
    }

    /// Artifacts: text annotations, associations, groups.
    #[must_use]
    pub fn is_artifact(&self) -> bool {
        matches!(self, Kind::TextAnnotation | Kind::Association | Kind::Group)
    }

    /// Elements that are referenced from a flow by `sourceRef`/`targetRef`.
    #[must_use]
    pub fn is_connecting(&self) -> bool {
        matches!(
            self,
            Kind::SequenceFlow | Kind::MessageFlow | Kind::Association
        )
    }

    /// A short human name for the kind ("user task", "exclusive gateway").
    #[must_use]
    pub fn human_name(&self) -> String {
        let local = self.local_name();
        let mut out = String::with_capacity(local.len() + 4);
        for (i, ch) in local.chars().enumerate() {
            if ch.is_ascii_uppercase() {
                if i > 0 {
                    out.push(' ');
                }
                out.push(ch.to_ascii_lowercase());
            } else {
                out.push(ch);
            }
        }
        out
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.local_name())
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn local_names_round_trip() {
        for name in [
            "userTask",
            "exclusiveGateway",
            "boundaryEvent",
            "choreographyTask",
        ] {
            assert_eq!(Kind::from_local_name(name).local_name(), name);
        }
        assert_eq!(
            Kind::from_local_name("choreographyTask"),
            Kind::Other("choreographyTask".into())
        );
        assert_eq!(Kind::UserTask.human_name(), "user task");
    }
}
