import { Queue, sleep } from "@weft/runtime";

const inbox = new Queue<number>();
export function take(limit: number): number {
  sleep(1);
  const box = { q: inbox };
  return box.q.get() + limit;
}
inbox.put(41);
console.log(take(1));
