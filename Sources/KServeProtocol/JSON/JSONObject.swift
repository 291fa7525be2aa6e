/// A JSON object that keeps its members in the order they were written.
package struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The members, in order.
    package private(set) var members: [(key: String, value: JSONValue)]

    /// An empty object.
    package init() { members = [] }

    /// An object with these members, in order.
    package init(_ members: [(key: String, value: JSONValue)]) { self.members = members }

    /// An object written as a literal, in the literal's order.
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { (key: $0.0, value: $0.1) }
    }

    /// Whether the object has no members.
    package var isEmpty: Bool { members.isEmpty }

    /// The member keys, in order.
    package var keys: [String] { members.map(\.key) }

    /// The value of the first member named `key`; setting replaces it or appends a new member (`nil` removes it).
    package subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Iterates over the members in order.
    package func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    /// Whether two objects have the same members in the same order.
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the members in order.
    package func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
