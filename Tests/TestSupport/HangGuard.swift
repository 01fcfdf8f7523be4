import Testing

extension Trait where Self == TimeLimitTrait {
    /// The time limit of a test that shares the private servers. Its clock includes the time the
    /// test waits for a slot (`TestSlots`) or for the servers' gate (`ServerAccess`), which on a
    /// loaded 2-core machine can be minutes; so this limit only catches a hang. Each wait inside
    /// a test has its own, tighter timeout with a message saying what did not happen.
    public static var hangGuard: Self { .timeLimit(.minutes(10)) }
}
