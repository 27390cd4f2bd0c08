import KalanCore

// Between the contract's enums (generated from openapi.yaml) and the domain's: exhaustive
// switches, so that a value added on either side fails to compile here instead of crashing at
// run time.

extension Components.Schemas.User.RolePayload {
    init(_ role: Role) {
        switch role {
        case .admin: self = .admin
        case .hr: self = .hr
        case .trainer: self = .trainer
        case .viewer: self = .viewer
        }
    }
}

extension Components.Schemas.Session.ModePayload {
    init(_ mode: DeliveryMode) {
        switch mode {
        case .inPerson: self = .inPerson
        case .online: self = .online
        case .hybrid: self = .hybrid
        }
    }
}

extension Components.Schemas.Session.StatusPayload {
    init(_ status: SessionStatus) {
        switch status {
        case .planned: self = .planned
        case .open: self = .open
        case .inProgress: self = .inProgress
        case .completed: self = .completed
        case .cancelled: self = .cancelled
        }
    }
}

extension Components.Schemas.Enrolment.StatusPayload {
    init(_ status: EnrolmentStatus) {
        switch status {
        case .nominated: self = .nominated
        case .approved: self = .approved
        case .enrolled: self = .enrolled
        case .waitlisted: self = .waitlisted
        case .completed: self = .completed
        case .failed: self = .failed
        case .withdrawn: self = .withdrawn
        case .rejected: self = .rejected
        case .noShow: self = .noShow
        }
    }
}

extension Components.Schemas.Verification.StatusPayload {
    init(_ status: Certificate.Status) {
        switch status {
        case .valid: self = .valid
        case .revoked: self = .revoked
        case .expired: self = .expired
        }
    }
}

extension AttendanceStatus {
    init(_ status: Operations.RecordAttendance.Input.Body.JsonPayload.MarksPayloadPayload.StatusPayload) {
        switch status {
        case .present: self = .present
        case .absent: self = .absent
        case .excused: self = .excused
        }
    }
}

extension CompletionRule.Outcome {
    init(_ outcome: Operations.Complete.Input.Body.JsonPayload.OutcomePayload) {
        switch outcome {
        case .completed: self = .completed
        case .failed: self = .failed
        }
    }
}

extension TraineeOrder {
    init(_ sort: Operations.ListTrainees.Input.Query.SortPayload) {
        switch sort {
        case .staffNumber: self = .staffNumber
        case ._hyphen_staffNumber: self = .staffNumberDescending
        case .familyName: self = .familyName
        case ._hyphen_familyName: self = .familyNameDescending
        }
    }
}

extension SessionOrder {
    init(_ sort: Operations.ListSessions.Input.Query.SortPayload) {
        switch sort {
        case .startsOn: self = .startsOn
        case ._hyphen_startsOn: self = .startsOnDescending
        }
    }
}

extension SessionStatus {
    init(_ status: Operations.ListSessions.Input.Query.StatusPayload) {
        switch status {
        case .planned: self = .planned
        case .open: self = .open
        case .inProgress: self = .inProgress
        case .completed: self = .completed
        case .cancelled: self = .cancelled
        }
    }
}
