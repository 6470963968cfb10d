/**
 * The integration tests' environment: Node's, plus a quick exit for jest's worker processes.
 *
 * The embedded ClickHouse engine (chdb) is one per process and shuts down only when the process
 * exits: its native teardown joins some forty pool threads and finishes background work, which
 * can outlast the 500 ms jest-worker allows after asking a worker to end ("A worker process has
 * failed to exit gracefully"). By then every result has been reported and each test has closed
 * its connections and dropped its databases, so a worker skips that teardown once its JavaScript
 * side has exited. Only forked workers (they have an IPC channel): a run in band keeps its exit code.
 */
const { TestEnvironment } = require('jest-environment-node');

if (typeof process.send === 'function' && process.env.JEST_WORKER_ID && !process.skipsEngineTeardown) {
  process.skipsEngineTeardown = true;
  process.on('exit', () => process.kill(process.pid, 'SIGKILL'));
}

module.exports = TestEnvironment;
