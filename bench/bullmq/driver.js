// The BullMQ side of the queue benchmark (bench/OrleansRedis.Bench/Queues). One process per role, started by the
// benchmark with `node driver.js <role> --port P [options]`; it speaks the same line protocol as the other systems'
// worker processes:
//   enqueue  --mode single|bulk --callers C --seconds S --warmup W   -> one JSON line {jobs, seconds, p50Us, p99Us, p999Us, errors}
//   prefill  --count N [--work-ms W]                                  -> DONE <n>
//   sender                                                            -> READY, then SENT <id> per `send <id>` line on stdin
//   completed                                                         -> COMPLETED <n> (BullMQ's completed-jobs metric)
//   worker   --concurrency C [--work-ms W] [--report count|start|ran] [--lock-ms L]
//            -> READY, then COUNT <total> <unix ms> every 200 ms (count), START <id> <latency µs> (start), or START and
//               RAN <id> (ran; these workers also keep BullMQ's metrics, so `completed` can read its own count)
// Every job carries {id, t0}: t0 is the enqueue time in unix microseconds, so the worker measures enqueue-to-start.
'use strict';
const { Queue, Worker } = require('bullmq');

const [role, ...rest] = process.argv.slice(2);
const args = {};
for (let i = 0; i + 1 < rest.length; i += 2) {
  args[rest[i].replace(/^--/, '')] = rest[i + 1];
}
const number = (name, fallback) => (args[name] === undefined ? fallback : Number(args[name]));
const connection = { host: '127.0.0.1', port: number('port'), maxRetriesPerRequest: null };
const queueName = args.queue || 'bench';
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
// Finished jobs are removed, as the other systems in the benchmark keep no more than a counter: BullMQ's default keeps
// every finished job forever (its own production guide says to set these).
const jobOptions = { removeOnComplete: true, removeOnFail: true };
const print = (line) => process.stdout.write(line + '\n');

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function enqueue() {
  const queue = new Queue(queueName, { connection });
  await queue.waitUntilReady();
  const bulk = args.mode === 'bulk';
  const batch = bulk ? number('batch', 50) : 1;
  const callers = number('callers', 32);
  let sequence = 0;
  const run = async (seconds, latencies) => {
    let jobs = 0;
    let errors = 0;
    const stopAt = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: callers }, async () => {
      while (performance.now() < stopAt) {
        const started = performance.now();
        try {
          if (bulk) {
            const items = [];
            for (let i = 0; i < batch; i++) {
              const id = `e${sequence++}`;
              items.push({ name: 'noop', data: { id, t0: nowUs() }, opts: jobOptions });
            }
            await queue.addBulk(items);
          } else {
            const id = `e${sequence++}`;
            await queue.add('noop', { id, t0: nowUs() }, jobOptions);
          }
          jobs += batch;
          if (latencies) latencies.push((performance.now() - started) * 1000);
        } catch (err) {
          errors++;
        }
      }
    }));
    return { jobs, errors };
  };
  await run(number('warmup', 1), null);
  const latencies = [];
  const started = performance.now();
  const { jobs, errors } = await run(number('seconds', 5), latencies);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  print(JSON.stringify({
    jobs, seconds, errors,
    p50Us: percentile(latencies, 50), p99Us: percentile(latencies, 99), p999Us: percentile(latencies, 99.9),
  }));
  await queue.close();
}

async function prefill() {
  const queue = new Queue(queueName, { connection });
  const count = number('count', 10000);
  const prefix = args.prefix || 'p';
  for (let done = 0; done < count;) {
    const items = [];
    for (let i = 0; i < 1000 && done < count; i++, done++) {
      items.push({ name: 'noop', data: { id: `${prefix}${done}`, t0: nowUs() }, opts: jobOptions });
    }
    await queue.addBulk(items);
  }
  print(`DONE ${count}`);
  await queue.close();
}

async function sender() {
  const queue = new Queue(queueName, { connection });
  await queue.waitUntilReady();
  print('READY');
  let pending = Promise.resolve();
  let buffered = '';
  process.stdin.on('data', (data) => {
    buffered += data.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines.map((l) => l.trim())) {
      pending = pending.then(async () => {
        if (line.startsWith('send ')) {
          const id = line.slice(5);
          await queue.add('noop', { id, t0: nowUs() }, jobOptions);
          print(`SENT ${id}`);
        } else if (line === 'stop') {
          await queue.close();
          process.exit(0);
        }
      });
    }
  });
}

async function completed() {
  const queue = new Queue(queueName, { connection });
  const metrics = await queue.getMetrics('completed');
  print(`COMPLETED ${metrics.meta.count}`);
  await queue.close();
}

async function worker() {
  const report = args.report || 'count';
  const workMs = number('work-ms', 0);
  let total = 0;
  const processor = async (job) => {
    if (report === 'start' || report === 'ran') print(`START ${job.data.id} ${nowUs() - job.data.t0}`);
    if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
    total++;
    if (report === 'ran') print(`RAN ${job.data.id}`);
  };
  const options = { connection, concurrency: number('concurrency', 1), autorun: false };
  if (report === 'ran') {
    options.metrics = { maxDataPoints: 60 };
  }
  if (args['lock-ms']) {
    options.lockDuration = number('lock-ms');
    options.stalledInterval = number('lock-ms');
  }
  const bullWorker = new Worker(queueName, processor, options);
  await bullWorker.waitUntilReady();
  if (report === 'count') {
    setInterval(() => print(`COUNT ${total} ${Date.now()}`), 200);
  }
  print('READY');
  bullWorker.run();
  process.stdin.on('data', async (data) => {
    if (data.toString().includes('stop')) {
      await bullWorker.close();
      print(`STOPPED ${total}`);
      process.exit(0);
    }
  });
}

const roles = { enqueue, prefill, sender, completed, worker };
if (!roles[role]) {
  console.error(`usage: node driver.js ${Object.keys(roles).join('|')} --port P [options]`);
  process.exit(2);
}
roles[role]().catch((err) => {
  console.error(err);
  process.exit(1);
});
