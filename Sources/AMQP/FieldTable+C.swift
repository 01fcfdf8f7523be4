import CRabbitMQ

extension CPool {
    /// The table as `amqp_table_t`, every entry, key and value allocated in this pool.
    func table(_ table: FieldTable?) -> amqp_table_t {
        guard let table, !table.isEmpty else { return amqp_empty_table }
        let entries = allocate(amqp_table_entry_t.self, count: table.entries.count)
        for (index, entry) in table.entries.enumerated() {
            (entries + index).initialize(to: amqp_table_entry_t(key: bytes(entry.key), value: self.field(entry.value)))
        }
        return amqp_table_t(num_entries: Int32(table.entries.count), entries: entries)
    }

    /// The value as `amqp_field_value_t`, nested data allocated in this pool.
    func field(_ value: FieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        func kind(_ k: amqp_field_value_kind_t) { field.kind = UInt8(k.rawValue) }
        switch value {
        case .bool(let v): kind(AMQP_FIELD_KIND_BOOLEAN); field.value.boolean = v ? 1 : 0
        case .int8(let v): kind(AMQP_FIELD_KIND_I8); field.value.i8 = v
        case .uint8(let v): kind(AMQP_FIELD_KIND_U8); field.value.u8 = v
        case .int16(let v): kind(AMQP_FIELD_KIND_I16); field.value.i16 = v
        case .uint16(let v): kind(AMQP_FIELD_KIND_U16); field.value.u16 = v
        case .int32(let v): kind(AMQP_FIELD_KIND_I32); field.value.i32 = v
        case .uint32(let v): kind(AMQP_FIELD_KIND_U32); field.value.u32 = v
        case .int64(let v): kind(AMQP_FIELD_KIND_I64); field.value.i64 = v
        case .uint64(let v): kind(AMQP_FIELD_KIND_U64); field.value.u64 = v
        case .float(let v): kind(AMQP_FIELD_KIND_F32); field.value.f32 = v
        case .double(let v): kind(AMQP_FIELD_KIND_F64); field.value.f64 = v
        case .string(let v): kind(AMQP_FIELD_KIND_UTF8); field.value.bytes = bytes(v)
        case .bytes(let v): kind(AMQP_FIELD_KIND_BYTES); field.value.bytes = v.withUnsafeBytes { bytes($0) }
        case .timestamp(let v): kind(AMQP_FIELD_KIND_TIMESTAMP); field.value.u64 = v
        case .decimal(let scale, let v):
            kind(AMQP_FIELD_KIND_DECIMAL); field.value.decimal = amqp_decimal_t(decimals: scale, value: v)
        case .table(let v): kind(AMQP_FIELD_KIND_TABLE); field.value.table = table(v)
        case .array(let values):
            kind(AMQP_FIELD_KIND_ARRAY)
            let entries = allocate(amqp_field_value_t.self, count: values.count)
            for (index, element) in values.enumerated() { (entries + index).initialize(to: self.field(element)) }
            field.value.array = amqp_array_t(num_entries: Int32(values.count), entries: entries)
        case .void: kind(AMQP_FIELD_KIND_VOID)
        }
        return field
    }
}

extension FieldTable {
    /// A Swift copy of a table decoded by librabbitmq (valid only until its pool is released).
    init(_ table: amqp_table_t) {
        self.init()
        guard table.num_entries > 0, let entries = table.entries else { return }
        self.entries.reserveCapacity(Int(table.num_entries))
        for index in 0..<Int(table.num_entries) {
            let entry = entries[index]
            self.entries.append((key: entry.key.string, value: FieldValue(entry.value)))
        }
    }
}

extension FieldValue {
    /// A Swift copy of one decoded field value.
    init(_ field: amqp_field_value_t) {
        switch amqp_field_value_kind_t(UInt32(field.kind)) {
        case AMQP_FIELD_KIND_BOOLEAN: self = .bool(field.value.boolean != 0)
        case AMQP_FIELD_KIND_I8: self = .int8(field.value.i8)
        case AMQP_FIELD_KIND_U8: self = .uint8(field.value.u8)
        case AMQP_FIELD_KIND_I16: self = .int16(field.value.i16)
        case AMQP_FIELD_KIND_U16: self = .uint16(field.value.u16)
        case AMQP_FIELD_KIND_I32: self = .int32(field.value.i32)
        case AMQP_FIELD_KIND_U32: self = .uint32(field.value.u32)
        case AMQP_FIELD_KIND_I64: self = .int64(field.value.i64)
        case AMQP_FIELD_KIND_U64: self = .uint64(field.value.u64)
        case AMQP_FIELD_KIND_F32: self = .float(field.value.f32)
        case AMQP_FIELD_KIND_F64: self = .double(field.value.f64)
        case AMQP_FIELD_KIND_UTF8: self = .string(field.value.bytes.string)
        case AMQP_FIELD_KIND_BYTES: self = .bytes(field.value.bytes.array)
        case AMQP_FIELD_KIND_TIMESTAMP: self = .timestamp(field.value.u64)
        case AMQP_FIELD_KIND_DECIMAL:
            self = .decimal(scale: field.value.decimal.decimals, value: field.value.decimal.value)
        case AMQP_FIELD_KIND_TABLE: self = .table(FieldTable(field.value.table))
        case AMQP_FIELD_KIND_ARRAY:
            let array = field.value.array
            var values: [FieldValue] = []
            if array.num_entries > 0, let entries = array.entries {
                values = (0..<Int(array.num_entries)).map { FieldValue(entries[$0]) }
            }
            self = .array(values)
        default: self = .void
        }
    }
}
