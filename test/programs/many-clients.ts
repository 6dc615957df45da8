// N client greenlets holding N connections open at once, run by `weft run` in
// test/stream-server-process.test.ts against test/programs/stream-server.ts.
//   weft run many-clients.ts PORT N
// Every client connects, sends one line and checks the upper-cased reply (so its handler runs
// in the server); none closes before all N were answered (an Event), so the server serves N
// connections at once. Prints "N served at once, N replies correct".
import { Event, joinAll, spawn } from "@weft/runtime";
import { connect } from "@weft/runtime/net";

const port = Number(process.argv[2]);
const n = Number(process.argv[3]);
const allServed = new Event();
let served = 0;
let correct = 0;
const failures: string[] = [];

function client(i: number): void {
  const sock = connect(port);
  try {
    const line = `client ${i} is one of ${n}\n`;
    sock.sendAll(line);
    let reply = "";
    while (reply.length < line.length) {
      const data = sock.recv(1024);
      if (data.length === 0) break;
      reply += data.toString();
    }
    if (reply === line.toUpperCase()) correct++;
    else failures.push(`client ${i}: ${JSON.stringify(reply)}`);
    if (++served === n) allServed.set();
    allServed.wait();
  } finally {
    sock.close();
  }
}

const clients = Array.from({ length: n }, (_, i) => spawn(client, i));
joinAll(clients);
for (const g of clients) if (!g.successful()) failures.push(String(g.exception));
console.log(`${served} served at once, ${correct} replies correct`);
if (failures.length > 0) {
  console.error(failures.slice(0, 10).join("\n"));
  process.exitCode = 1;
}
