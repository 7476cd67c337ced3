/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
    /// The candidate closest to `word`, if it is close enough to be a likely typo.
    ///
    /// Candidates whose length alone rules them out are skipped without computing a distance,
    /// and words longer than ``maximumWordLength`` get no suggestion, so a hostile spec with
    /// long names cannot make every diagnostic cost the product of two long strings.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let length = word.count
        guard length <= maximumWordLength else { return nil }
        let allowed = max(1, min(3, length / 3))
        let lowered = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let candidateLength = candidate.count
            guard abs(candidateLength - length) <= allowed, candidateLength <= maximumWordLength else { continue }
            let distance = editDistance(lowered, candidate.lowercased())
            // Ties go to the candidate that sorts first, so the order candidates come in (a
            // dictionary's, say) never changes the suggestion.
            if best.map({ distance < $0.distance || (distance == $0.distance && candidate < $0.candidate) }) ?? true {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        return best.distance <= allowed ? best.candidate : nil
    }

    /// The longest word that gets a suggestion.
    public static let maximumWordLength = 64

    /// `'a', 'b' or 'c'`: choices as diagnostics list them.
    public static func quotedList(_ words: [String]) -> String {
        let quoted = words.map { "'\($0)'" }
        guard quoted.count > 1, let last = quoted.last else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + last
    }

    /// ` (did you mean 'x'?)` or nothing.
    public static func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String {
        closest(to: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein distance, with a transposition of neighbours counting as one edit.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = Swift.min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
