/// A growable byte buffer written through a raw pointer, for text built a few bytes at a
/// time on hot paths (response heads, access-log lines): no uniqueness check and no
/// generic-collection call per append, as an `[UInt8]` pays, and inlinable into callers in
/// other modules. A loop keeps one and reuses it; owned by one thread at a time, never shared.
public final class ByteBuffer {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var used = 0

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    public var count: Int { used }
    public var isEmpty: Bool { used == 0 }
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: used) }
    public var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: used)) }

    public func removeAll() { used = 0 }

    /// Makes room for `extra` more bytes (doubling), out of line: the rare path.
    @usableFromInline
    func grow(_ extra: Int) {
        var newCapacity = capacity * 2
        while used + extra > newCapacity { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: used)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inlinable
    public func append(_ byte: UInt8) {
        if used == capacity { grow(1) }
        base[used] = byte
        used += 1
    }

    @inlinable
    public func append(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count > 0, let source = bytes.baseAddress else { return }
        if used + count > capacity { grow(count) }
        let destination = UnsafeMutableRawPointer(base + used)
        if count <= 16 {
            // Field names and small values: a short loop beats a call into memmove.
            for index in 0..<count { destination.storeBytes(of: source.load(fromByteOffset: index, as: UInt8.self), toByteOffset: index, as: UInt8.self) }
        } else {
            destination.copyMemory(from: source, byteCount: count)
        }
        used += count
    }

    @inlinable
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) { append(UnsafeRawBufferPointer(bytes)) }

    @inlinable
    public func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The string's UTF-8 bytes, copied once (native strings need no bridging copy).
    public func append(utf8 text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            var copy = text
            copy.withUTF8 { append($0) }
        }
    }

    /// A decimal integer, negative ones with `-`.
    /// `value / 1000` with three decimals (`12345` → `12.345`): milliseconds as seconds,
    /// microseconds as milliseconds. `value` is not negative.
    public func appendThousandths(_ value: Int) {
        appendDecimal(value / 1000)
        append(UInt8(ascii: "."))
        let fraction = value % 1000
        append(UInt8(ascii: "0") + UInt8(fraction / 100))
        append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    public func appendDecimal(_ value: Int) {
        if used + 20 > capacity { grow(20) }
        var position = used
        if value < 0 {
            base[position] = UInt8(ascii: "-")
            position += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude / 10
        while probe > 0 { digits += 1; probe /= 10 }
        var index = position + digits - 1
        repeat {
            base[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
        used = position + digits
    }
}
