import Foundation
import Testing
import TestSupport
import UnderstudyNet
@testable import UnderstudyCore

/// `kill -9` loses nothing acknowledged: a child process (this test binary, re-run on one
/// test) appends messages and prints each sequence once `whenDurable` fired; it is killed
/// mid-run, and every printed sequence must be in the reopened database.
@Suite struct SQLiteJournalCrashTests {
    static let childPathVariable = "UNDERSTUDY_TEST_JOURNAL_CHILD_PATH"
    static let childPath = ProcessInfo.processInfo.environment[childPathVariable]

    @Test func everyAcknowledgedAppendSurvivesKill9() async throws {
        try await JournalFixtures.withDirectory { directory in
            let path = directory + "/sqs.db"
            let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            let child = try BinaryProcess(
                ["--testing-library", "swift-testing", "--filter", "SQLiteJournalCrashTests/childAppendsUntilKilled"],
                environment: [Self.childPathVariable: path], executable: testBinary)
            defer { child.stop() }
            let deadline = ContinuousClock.now + .seconds(60)
            while Self.acknowledged(child.standardOutput).count < 3_000 && ContinuousClock.now < deadline
                    && child.isRunning {
                try await Task.sleep(for: .milliseconds(10))
            }
            child.signal(SIGKILL)
            child.stop()
            try await Task.sleep(for: .milliseconds(50))   // let the pipe handler drain
            let acknowledged = Self.acknowledged(child.standardOutput)
            #expect(acknowledged.count >= 3_000, "child stderr: \(child.standardError.suffix(2_000))")

            let journal = try SQLiteJournal(path: path)
            defer { journal.close() }
            let stored = Set(try journal.load().messages.map(\.record.sequence))
            let lost = acknowledged.filter { !stored.contains($0) }
            #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged messages lost")
            print("journal crash test: \(acknowledged.count) acknowledged, \(stored.count) stored, \(lost.count) lost")
        }
    }

    /// The child half: runs only when the parent sets the variable. 32 writers each append one
    /// message at a time and wait for it, as requests would, until killed (or 60 s pass).
    @Test(.enabled(if: childPath != nil))
    func childAppendsUntilKilled() throws {
        guard let path = Self.childPath else { return }
        let journal = try SQLiteJournal(path: path)
        let ticket = journal.append([.putQueue(JournalFixtures.makeQueue("q"))])
        let ready = DispatchSemaphore(value: 0)
        journal.whenDurable(ticket) { ready.signal() }
        ready.wait()
        let writers = 32
        let nextSequence = Locked<UInt64>(0)
        let deadline = ContinuousClock.now + .seconds(60)
        let finished = DispatchGroup()
        for _ in 0..<writers {
            finished.enter()
            Thread.detachNewThread {
                let durable = DispatchSemaphore(value: 0)
                while ContinuousClock.now < deadline {
                    let sequence = nextSequence.withLock { $0 += 1; return $0 }
                    let ticket = journal.append([.putMessage(queue: "q", JournalFixtures.makeMessage(sequence))])
                    journal.whenDurable(ticket) {
                        let line = Array("durable \(sequence)\n".utf8)   // one write(2): atomic on a pipe
                        _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
                        durable.signal()
                    }
                    durable.wait()
                }
                finished.leave()
            }
        }
        finished.wait()
        journal.close()
    }

    /// The sequences on complete `durable N` lines (a last line without its newline is not).
    static func acknowledged(_ output: String) -> [UInt64] {
        output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            line.hasPrefix("durable ") ? UInt64(line.dropFirst("durable ".count)) : nil
        }
    }
}
