// gevent's concurrent download (examples/concurrent_download.py) in synchronous style: a `Pool`
// of 20 greenlets fetches 200 pages, each `get(url)` suspending only its greenlet, then the same
// 200 pages are fetched one after the other. The pages come from a local HttpServer this program
// starts itself, each answered after a simulated network latency.
//
//   weft run examples/crawler.ts [--pages 200] [--concurrency 20] [--latency-ms 10]
//
// Prints both times and the speed-up; exits 0 when every page came back whole.
import { Pool, sleep } from "@weft/runtime";
import { HttpServer, get } from "@weft/runtime/http";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PAGES = option("--pages", 200);
const CONCURRENCY = option("--concurrency", 20);
const LATENCY_MS = option("--latency-ms", 10);

const server = new HttpServer(0, (req, res) => {
  sleep(LATENCY_MS); // the network and the far server
  res.end(`<html><title>page ${req.path.slice(6)}</title>${"x".repeat(2000)}</html>`);
});
server.start();
const urls = Array.from({ length: PAGES }, (_, i) => `http://127.0.0.1:${server.address.port}/page/${i}`);

function fetchTitle(url: string): string {
  const page = get(url, { timeout: 10_000 }).text();
  return /<title>(.*)<\/title>/.exec(page)?.[1] ?? "";
}

let t0 = performance.now();
const pool = new Pool(CONCURRENCY);
const titles = pool.map(fetchTitle, urls);
const pooled = performance.now() - t0;

t0 = performance.now();
const sequentialTitles = urls.map((url) => fetchTitle(url));
const sequential = performance.now() - t0;

server.stop();
const ok = titles.every((t, i) => t === `page ${i}`) && sequentialTitles.every((t, i) => t === `page ${i}`);
console.log(`${PAGES} pages, pool of ${CONCURRENCY}: ${pooled.toFixed(0)} ms; one after the other: ${sequential.toFixed(0)} ms (${(sequential / pooled).toFixed(1)}x)`);
if (!ok) {
  console.log("some pages did not come back whole");
  process.exitCode = 1;
}
