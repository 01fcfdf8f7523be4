import CLinuxShims
import Foundation

/// Dedicated OS threads with names that `top -H`, `ps -L` and `perf` show.
///
/// Foundation's `Thread.name` on Linux does not reach the kernel: every thread kept the name of
/// the thread that created it (mostly libdispatch's `com.apple.root.default-qos`), so the
/// threads of a process could not be told apart from outside it.
public enum NamedThread {
    /// Starts `body` on a new thread named `name` (cut to the kernel's 15 bytes).
    public static func start(name: String, stackSize: Int = 1 << 20, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            setCurrentName(name)
            body()
        }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    /// Names the calling thread (the kernel keeps at most 15 bytes).
    private static func setCurrentName(_ name: String) {
        cshim_set_thread_name(name)
    }

    /// The calling thread's name, as the kernel has it.
    public static var currentName: String {
        var buffer = [CChar](repeating: 0, count: 17)
        buffer.withUnsafeMutableBufferPointer { cshim_get_thread_name($0.baseAddress!) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
