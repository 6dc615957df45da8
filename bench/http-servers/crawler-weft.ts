// The crawler of examples/crawler.ts as a benchmark client (bench/http.js), run by `weft run`: a
// Pool of CONCURRENCY greenlets fetches PAGES URLs of the server at PORT (path PATH), REPS times
// after one warm-up; prints the milliseconds of each rep as JSON on its last line.
// Usage: weft run crawler-weft.ts PORT PATH PAGES CONCURRENCY REPS
import { Pool } from "@weft/runtime";
import { get } from "@weft/runtime/http";

const [port, path, pages, concurrency, reps] = process.argv.slice(2);
const urls = Array.from({ length: Number(pages) }, (_, i) => `http://127.0.0.1:${port}${path}?page=${i}`);

function fetchLength(url: string): number {
  const res = get(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return res.body().length;
}

function crawl(): number {
  const t0 = performance.now();
  const pool = new Pool(Number(concurrency));
  const lengths = pool.map(fetchLength, urls);
  if (lengths.length !== urls.length) throw new Error("pages missing");
  return performance.now() - t0;
}

crawl(); // warm-up
const times: number[] = [];
for (let r = 0; r < Number(reps); r++) times.push(crawl());
console.log(JSON.stringify(times));
