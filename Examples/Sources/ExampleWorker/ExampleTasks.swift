import JobWorker

/// Two task functions with typed input and output.
///
/// - `word_count`: counts the words and lines of a text. Quick, pure, retried on failure.
/// - `render_report`: a long-running job in pages: reports progress after each page and stops
///   promptly when cancelled (a client's `cancel_task`, its timeout, or a worker shutdown).
enum ExampleTasks {
    // MARK: word_count

    /// The task's `condition`: `{"text": "..."}`.
    struct WordCountInput: Decodable, Sendable {
        var text: String
    }

    /// The task's `result`: `{"lines": 2, "words": 5}`.
    struct WordCountOutput: Encodable, Sendable {
        var words: Int
        var lines: Int
    }

    // MARK: render_report

    /// `{"pages": 20, "seconds_per_page": 0.5, "title": "Q3"}`; `title` is optional.
    struct ReportInput: Decodable, Sendable {
        var pages: Int
        var secondsPerPage: Double
        var title: String?

        enum CodingKeys: String, CodingKey {
            case pages, title
            case secondsPerPage = "seconds_per_page"
        }
    }

    struct ReportOutput: Encodable, Sendable {
        var title: String
        var pages: Int
        var location: String
    }

    /// Registers both functions. Throws `RegistrationError` for a bad or repeated name.
    static func register(into registry: inout TaskRegistry) throws {
        try registry.register(
            "word_count", input: WordCountInput.self,
            options: TaskOptions(maxAttempts: 3, timeout: .seconds(30), backoffBase: 2, backoffMax: 60)
        ) { input, context in
            context.logger.debug("counting", metadata: ["bytes": "\(input.text.utf8.count)"])
            let lines = input.text.isEmpty ? 0 : input.text.split(separator: "\n", omittingEmptySubsequences: false).count
            return WordCountOutput(words: input.text.split(whereSeparator: \.isWhitespace).count, lines: lines)
        }

        try registry.register(
            "render_report", input: ReportInput.self,
            options: TaskOptions(maxAttempts: 2, timeout: .seconds(3600))
        ) { input, context in
            // Input the function cannot use will never work: fail at once, no retries.
            guard (1...10_000).contains(input.pages), input.secondsPerPage >= 0 else {
                throw PermanentFailure("pages must be 1...10000 and seconds_per_page at least 0")
            }
            let title = input.title ?? "report \(context.taskID)"
            for page in 1...input.pages {
                // Cancellation arrives as Swift task cancellation: check it between steps ...
                try Task.checkCancellation()
                // ... and `Task.sleep` (or any cancellation-aware await) throws when cancelled.
                try await Task.sleep(for: .seconds(input.secondsPerPage))
                await context.progress(Double(page) / Double(input.pages), "rendered page \(page) of \(input.pages)")
            }
            context.logger.info("report rendered", metadata: ["pages": "\(input.pages)", "attempt": "\(context.attempt)"])
            return ReportOutput(title: title, pages: input.pages, location: "reports/\(context.taskID).pdf")
        }
    }
}
