// The same crawler with `fetch` and `Promise.all` over CONCURRENCY async workers taking URLs from
// a shared list (the usual concurrency limit), for bench/http.js. Prints the milliseconds of each
// of REPS reps (after one warm-up) as JSON.
// Usage: node crawler-fetch.js PORT PATH PAGES CONCURRENCY REPS
const [port, path, pages, concurrency, reps] = process.argv.slice(2);
const urls = Array.from({ length: Number(pages) }, (_, i) => `http://127.0.0.1:${port}${path}?page=${i}`);

async function fetchLength(url) {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return (await res.arrayBuffer()).byteLength;
}

async function crawl() {
  const t0 = performance.now();
  const lengths = new Array(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      lengths[i] = await fetchLength(urls[i]);
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  if (lengths.includes(undefined)) throw new Error("pages missing");
  return performance.now() - t0;
}

await crawl(); // warm-up
const times = [];
for (let r = 0; r < Number(reps); r++) times.push(await crawl());
console.log(JSON.stringify(times));
