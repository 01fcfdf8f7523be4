import JobCore

/// Who made a request, once `Authenticator` accepted it.
public struct AuthenticatedUser: Sendable, Equatable {
    /// The user name (`[A-Za-z0-9_.@-]{1,64}`).
    public var name: String
    /// What the user may do.
    public var role: UserRole

    public init(name: String, role: UserRole) {
        self.name = name
        self.role = role
    }
}
