import CRabbitMQ

/// A librabbitmq memory pool for building the C structures of one call (strings, tables,
/// properties) without pinning every Swift value in nested closures.
///
/// Not Sendable: owned by one connection core, used on its owner thread. `init_amqp_pool` /
/// `empty_amqp_pool` are paired here, in `init` and `deinit` only. The doc of
/// `recycle_amqp_pool` says "any use of any allocations made before recycle_amqp_pool() is
/// called is undefined", so `recycle()` is called only after the C call that used them returned.
final class CPool {
    private let pool: UnsafeMutablePointer<amqp_pool_t>

    init(pageSize: Int = 4096) {
        pool = .allocate(capacity: 1)
        init_amqp_pool(pool, pageSize)
    }

    deinit {
        empty_amqp_pool(pool)
        pool.deallocate()
    }

    /// Makes all memory of the pool available again; earlier results become invalid.
    func recycle() { recycle_amqp_pool(pool) }

    /// Raw memory for `count` values of `type`, bound to that type, from the pool.
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        precondition(MemoryLayout<T>.alignment <= 8, "amqp_pool_alloc aligns to 8 bytes")
        guard let raw = amqp_pool_alloc(pool, MemoryLayout<T>.stride * max(count, 1)) else {
            fatalError("amqp_pool_alloc: out of memory")
        }
        return raw.bindMemory(to: type, capacity: max(count, 1))
    }

    /// A copy of the UTF-8 bytes of `string` in the pool.
    func bytes(_ string: String) -> amqp_bytes_t {
        var string = string
        return string.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    /// A copy of `buffer` in the pool.
    func bytes(_ buffer: UnsafeRawBufferPointer) -> amqp_bytes_t {
        guard buffer.count > 0, let base = buffer.baseAddress else { return amqp_empty_bytes }
        let memory = allocate(UInt8.self, count: buffer.count)
        memory.update(from: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
        return amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(memory))
    }
}

extension amqp_bytes_t {
    /// The bytes as a Swift string (invalid UTF-8 repaired), copied.
    var string: String {
        guard len > 0, let bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: len), as: UTF8.self)
    }

    /// The bytes as a Swift array, copied.
    var array: [UInt8] {
        guard len > 0, let bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: len))
    }
}
