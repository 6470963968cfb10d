// CPU profile of the worker for bench:ingest (node refuses --cpu-prof in NODE_OPTIONS):
//   BENCH_WORKER_NODE_OPTIONS="--require ./bench/cpu-profile-hook.js" npm run bench:ingest -- --events 100000
// writes worker-<pid>.cpuprofile into the working directory when the process exits (open it in Chrome's
// DevTools); the child's environment is the bench's, so the directory is not configurable by variable.
const fs = require('node:fs');
const inspector = require('node:inspector');

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
let written = false;

function write() {
  if (written) return;
  written = true;
  // a session of the same thread answers synchronously, so this completes inside an exit handler
  session.post('Profiler.stop', (error, result) => {
    if (!error) fs.writeFileSync(`worker-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
  });
}

process.on('exit', write);
process.prependListener('SIGTERM', write);
