// Uploads one file through the real tus-js-client, as a browser or an Uppy page would.
//   node upload.mjs <endpoint> <file> [--chunk-size BYTES] [--resume URL] [--stop-after CHUNKS]
//                   [--chunk-delay-ms MS] [--metadata key=value]... [--api-key KEY]
// Prints one JSON line per event on stdout: {"event":"url","url":…}, {"event":"chunk","offset":…},
// then {"event":"success","url":…} (exit 0), {"event":"stopped","url":…,"offset":…} (exit 3) or {"event":"error",…} (exit 1).
// Connection failures are retried for a minute, so a gateway that dies and comes back is resumed from its offset.
import fs from 'node:fs';
import path from 'node:path';
import { Upload } from 'tus-js-client';

const [endpoint, file, ...rest] = process.argv.slice(2);
if (!endpoint || !file) {
  console.error('usage: node upload.mjs <endpoint> <file> [--chunk-size BYTES] [--resume URL] [--stop-after CHUNKS] [--chunk-delay-ms MS] [--metadata key=value] [--api-key KEY]');
  process.exit(2);
}

const options = { chunkSize: 5 * 1024 * 1024, resume: null, stopAfter: 0, chunkDelayMs: 0, metadata: { filename: path.basename(file) }, apiKey: null };
for (let i = 0; i < rest.length; i += 2) {
  const [name, value] = [rest[i], rest[i + 1]];
  switch (name) {
    case '--chunk-size': options.chunkSize = Number(value); break;
    case '--resume': options.resume = value; break;
    case '--stop-after': options.stopAfter = Number(value); break;
    case '--chunk-delay-ms': options.chunkDelayMs = Number(value); break;
    case '--metadata': { const at = value.indexOf('='); options.metadata[value.slice(0, at)] = value.slice(at + 1); break; }
    case '--api-key': options.apiKey = value; break;
    default: console.error(`unknown option ${name}`); process.exit(2);
  }
}

const emit = (event) => console.log(JSON.stringify(event));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let chunks = 0;

const upload = new Upload(fs.createReadStream(file), {
  endpoint,
  uploadUrl: options.resume,
  chunkSize: options.chunkSize,
  uploadSize: fs.statSync(file).size,
  metadata: options.metadata,
  headers: options.apiKey ? { 'X-Api-Key': options.apiKey } : {},
  // Plenty of short retries: a gateway killed part-way is back within seconds.
  retryDelays: Array(60).fill(1000),
  storeFingerprintForResuming: false,
  onBeforeRequest: async (req) => {
    if (req.getMethod() === 'PATCH' && options.chunkDelayMs > 0) await sleep(options.chunkDelayMs);
  },
  onUploadUrlAvailable: () => emit({ event: 'url', url: upload.url }),
  onChunkComplete: (_size, offset) => {
    emit({ event: 'chunk', offset });
    if (options.stopAfter > 0 && ++chunks >= options.stopAfter) {
      upload.abort().then(() => { emit({ event: 'stopped', url: upload.url, offset }); process.exit(3); });
    }
  },
  onSuccess: () => { emit({ event: 'success', url: upload.url }); process.exit(0); },
  onError: (error) => { emit({ event: 'error', message: String(error) }); process.exit(1); },
});
upload.start();
