// The @parcel/watcher subject of bench/compare (set-up scenario). Protocol (see compare.py):
//   node parcel_subject.js ROOT RECURSIVE   (always recursive: @parcel/watcher has no other mode)
//   stdout: "ready cpu_ns=N setup_ns=N" once subscribe() resolved, "first" on the first event,
//           "done events=N overflows=0 cpu_ns=N alloc=-1" after SIGTERM/SIGINT.
// Needs @parcel/watcher where NODE_PATH points (compare.py installs it in bench/compare/bin/node).
const watcher = require('@parcel/watcher');

const cpuNs = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; };
let events = 0;
const started = process.hrtime.bigint();
watcher.subscribe(process.argv[2], (err, batch) => {
  if (err) { process.stderr.write(String(err) + '\n'); return; }
  if (events === 0 && batch.length > 0) process.stdout.write('first\n');
  events += batch.length;
}, { backend: 'inotify' }).then(sub => {
  const setupNs = process.hrtime.bigint() - started;
  process.stdout.write(`ready cpu_ns=${cpuNs()} setup_ns=${setupNs}\n`);
  const stop = () => sub.unsubscribe().then(() => {
    process.stdout.write(`done events=${events} overflows=0 cpu_ns=${cpuNs()} alloc=-1\n`, () => process.exit(0));
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}, err => { process.stderr.write(String(err) + '\n'); process.exit(2); });
