/// Strongly connected components of a directed graph, found without recursion.
///
/// The validator and the generator both ask "does this model lead back to itself?". Asking it
/// with a search per model costs the square of the model count on a long chain; the components
/// answer it for every model at once in time linear in nodes and edges. The search keeps its
/// own stack, so a chain of any length cannot overflow the thread's.
package struct StronglyConnected {
    /// The component each node belongs to, by node index.
    package let component: [Int]
    /// How many nodes each component holds, by component index.
    package let componentSize: [Int]

    /// Finds the components of the graph whose node `i` has edges to `successors[i]`.
    package init(successors: [[Int]]) {
        let count = successors.count
        var index = [Int](repeating: -1, count: count)
        var lowLink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var component = [Int](repeating: -1, count: count)
        var componentSize: [Int] = []
        var stack: [Int] = []
        var nextIndex = 0
        // Each frame is a node and how many of its successors were looked at.
        var frames: [(node: Int, edge: Int)] = []

        for start in 0..<count where index[start] < 0 {
            frames.append((start, 0))
            index[start] = nextIndex
            lowLink[start] = nextIndex
            nextIndex += 1
            stack.append(start)
            onStack[start] = true
            while let (node, edge) = frames.last {
                let edges = successors[node]
                if edge < edges.count {
                    frames[frames.count - 1].edge += 1
                    let next = edges[edge]
                    if index[next] < 0 {
                        index[next] = nextIndex
                        lowLink[next] = nextIndex
                        nextIndex += 1
                        stack.append(next)
                        onStack[next] = true
                        frames.append((next, 0))
                    } else if onStack[next] {
                        lowLink[node] = min(lowLink[node], index[next])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last?.node {
                    lowLink[parent] = min(lowLink[parent], lowLink[node])
                }
                if lowLink[node] == index[node] {
                    let id = componentSize.count
                    var size = 0
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component[member] = id
                        size += 1
                        if member == node { break }
                    }
                    componentSize.append(size)
                }
            }
        }
        self.component = component
        self.componentSize = componentSize
    }

    /// Whether `from` and `to` lie on a common cycle (each reaches the other).
    package func sameComponent(_ from: Int, _ to: Int) -> Bool {
        component[from] == component[to]
    }
}
