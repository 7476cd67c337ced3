/// The items of a paginated endpoint, page after page, as one asynchronous sequence.
///
/// Generated `…Items` methods return it. It requests the next page only when the items of the
/// current one are used up, and stops after a page without a next cursor, or when the server
/// repeats a cursor (which would otherwise loop forever). Errors are the client's typed error.
public struct PageSequence<Item: Sendable, Cursor: Sendable & Equatable>: AsyncSequence, Sendable {
    /// The element type: one item.
    public typealias Element = Item

    /// One page: its items and the cursor of the next page, `nil` after the last.
    public typealias Page = (items: [Item], next: Cursor?)

    private let first: Cursor?
    private let fetch: @Sendable (Cursor?) async throws -> Page

    /// Creates the sequence. `fetch` loads the page at a cursor; `nil` means the first page.
    public init(startingAt first: Cursor? = nil, fetch: @escaping @Sendable (Cursor?) async throws -> Page) {
        self.first = first
        self.fetch = fetch
    }

    /// Starts iterating from the first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(cursor: first, fetch: fetch)
    }

    /// Iterates over the items, fetching pages as needed.
    public struct Iterator: AsyncIteratorProtocol {
        private var cursor: Cursor?
        private var buffer: [Item] = []
        private var index = 0
        private var finished = false
        private let fetch: @Sendable (Cursor?) async throws -> Page

        init(cursor: Cursor?, fetch: @escaping @Sendable (Cursor?) async throws -> Page) {
            self.cursor = cursor
            self.fetch = fetch
        }

        /// The next item, fetching the next page when the current one is used up.
        public mutating func next() async throws -> Item? {
            while index == buffer.count {
                if finished { return nil }
                let page = try await fetch(cursor)
                buffer = page.items
                index = 0
                if let next = page.next, next != cursor {
                    cursor = next
                } else {
                    finished = true
                }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}
