import Foundation
import GRDB

extension Row {
    /// The value of `column`, nil when NULL. The tables are not STRICT, so a hand-edited or damaged row can
    /// hold any type in any column; GRDB's subscripts end the process on such a value, this reports it.
    func stored<Value: DatabaseValueConvertible>(_ column: String, in table: String, as _: Value.Type = Value.self) throws -> Value? {
        let value = self[column] as DatabaseValue? ?? .null
        if value.isNull { return nil }
        guard let decoded = Value.fromDatabaseValue(value) else {
            throw StoreError.corruptDatabase(
                path: "\(table) table", detail: "a row's \(column) holds \(value), not a \(Value.self); the store was edited or damaged")
        }
        return decoded
    }

    /// ``stored(_:in:as:)`` for a column the schema declares NOT NULL.
    func required<Value: DatabaseValueConvertible>(_ column: String, in table: String, as _: Value.Type = Value.self) throws -> Value {
        guard let value = try stored(column, in: table, as: Value.self) else {
            throw StoreError.corruptDatabase(path: "\(table) table", detail: "a row's \(column) is NULL; the store was edited or damaged")
        }
        return value
    }
}
