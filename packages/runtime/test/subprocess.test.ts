// `@weft/runtime/subprocess` with real child processes: Popen, run and checkOutput ported from
// gevent's src/gevent/tests/test__subprocess.py (a test name ends with the gevent test it ports,
// `TestPopen.*` or `RunFuncTestCase.*`), plus pipes, encodings and bad input.
// Not ported: test_universal1/2 and test_communicate_undecodable (Python's universal-newline text
// files: weft's `encoding` decodes with Buffer#toString and does not translate newlines);
// test_nonblock_removed (gevent's FileObject as stdin); test_subprocess_in_native_thread (no
// threads); TestFDs (gevent's fd-closing helpers: Node closes the child's other descriptors);
// test_popen_bufsize is ported as the stdin/stdout line exchange it checks.
// Kills, timeouts, zombies and concurrency are in subprocess-cleanup.test.ts.
import { readdirSync } from "node:fs";
import { spawn } from "@weft/runtime";
import { coroutine, invoke } from "@weft/runtime/protocol";
import { CalledProcessError, checkOutput, Popen, run, TimeoutExpired } from "@weft/runtime/subprocess";
import { WeftError } from "@weft/runtime";
import { now, runTest } from "@weft/runtime/testing";
import { checkOutputD, communicate, NODE, nap, pattern, real, recv, runD, sendAll, thrown, wait, killChildren } from "./subprocess-helpers.js";

afterEach(killChildren);

describe("Popen", () => {
  it("waits for the exit code (TestPopen.test_exit)", async () => {
    const code = await real(function* () {
      const p = new Popen(NODE, ["-e", "process.exit(10)"]);
      return yield* wait(p);
    });
    expect(code).toBe(10);
  });

  it("polls null while the child runs and its code once it exited (TestPopen.test_wait)", async () => {
    const seen = await real(function* () {
      const p = new Popen("sh", ["-c", "sleep 0.1; exit 11"]);
      const before = [p.poll(), p.returncode];
      const waited = yield* wait(p);
      return [...before, waited, p.poll(), p.returncode, yield* wait(p)];
    });
    expect(seen).toEqual([null, null, 11, 11, 11, 11]);
  });

  it("throws ENOENT from the constructor for a program that does not exist (TestPopen.test_child_exception, test_issue148)", async () => {
    const errors = await real(function* () {
      const errors: unknown[] = [];
      for (let i = 0; i < 7; i++) {
        try {
          new Popen("this_name_must_not_exist");
          errors.push("no error");
        } catch (e) {
          errors.push(e);
        }
      }
      yield* nap(20); // Node's own 'error' events come on the next tick: absorbed, nothing crashes
      return errors;
    });
    expect(errors).toHaveLength(7);
    for (const e of errors) {
      expect(e).toMatchObject({ code: "ENOENT", errno: -2, syscall: "spawn this_name_must_not_exist", path: "this_name_must_not_exist" });
      expect((e as Error).message).toBe("spawn this_name_must_not_exist ENOENT");
    }
  });

  it("tells ENOENT for a missing path or cwd and EACCES for a file that is not executable", async () => {
    const codes = await real(function* () {
      const codeOf = (f: () => unknown) => {
        try {
          f();
          return "no error";
        } catch (e) {
          return (e as { code?: string }).code;
        }
      };
      const codes = [
        codeOf(() => new Popen("./no/such/program")),
        codeOf(() => new Popen("ls", [], { cwd: "/no/such/directory" })),
        codeOf(() => new Popen("/etc/passwd")),
        codeOf(() => new Popen("/tmp")),
        codeOf(() => new Popen("echo hi", [], { shell: true, cwd: "/no/such/directory" })),
      ];
      yield* nap(20);
      return codes;
    });
    expect(codes).toEqual(["ENOENT", "ENOENT", "EACCES", "EACCES", "ENOENT"]);
  });

  it("leaves no descriptor open after the child was read and waited for (TestPopen.test_leak)", async () => {
    const counts = await real(function* () {
      const fds = () => readdirSync("/proc/self/fd").length;
      // One child first: Node opens its SIGCHLD machinery once.
      const warm = new Popen(NODE, ["-e", "console.log()"]);
      yield* communicate(warm);
      yield* nap(50);
      const before = fds();
      const p = new Popen(NODE, ["-e", "console.log()"]);
      yield* communicate(p);
      yield* nap(50); // the pipes' close callbacks run
      return [before, fds()];
    });
    expect(counts[1]).toBe(counts[0]);
  });

  it("communicates: input to stdin, stdout and stderr apart (TestPopen.test_communicate)", async () => {
    const out = await real(function* () {
      const p = new Popen(NODE, ["-e", 'process.stderr.write("pineapple"); process.stdin.pipe(process.stdout)']);
      return [yield* communicate(p, Buffer.from("banana")), p.returncode];
    });
    expect(out).toEqual([{ stdout: Buffer.from("banana"), stderr: Buffer.from("pineapple") }, 0]);
  });

  it("decodes with options.encoding (TestPopen.test_communicate_universal, without newline translation)", async () => {
    const out = await real(function* () {
      const p = new Popen(NODE, ["-e", 'process.stderr.write("pineapple\\r\\n\\u00ff\\u00f2\\r\\n"); process.stdin.pipe(process.stdout)'], { encoding: "utf8" });
      return yield* communicate(p, "banana\r\n\u00ff\u00f2\r\n");
    });
    expect(out).toEqual({ stdout: "banana\r\n\u00ff\u00f2\r\n", stderr: "pineapple\r\n\u00ff\u00f2\r\n" });
  });

  it.each([
    ["Buffers by default (TestPopen.test_default_mode_no_output_is_always_str)", undefined, Buffer.alloc(0)],
    ["a string with an encoding, even when empty (test_encoded_text_mode_no_output_is_str)", "utf8" as const, ""],
  ])("returns %s, and null for a stream not piped", async (_name, encoding, empty) => {
    const out = await real(function* () {
      const p = new Popen(NODE, ["-e", ""], { stdio: ["pipe", "pipe", "ignore"], encoding });
      return [p.stderr, yield* communicate(p)];
    });
    expect(out).toEqual([null, { stdout: empty, stderr: null }]);
  });

  it("has no pipe objects for streams that are not pipes, and pipes for all three by default", async () => {
    const shapes = await real(function* () {
      const a = new Popen("true", [], { stdio: "ignore" });
      const b = new Popen("true", [], { stdio: ["pipe", "inherit", "ignore"] });
      const c = new Popen("true");
      const shapes = [a, b, c].map((p) => [p.stdin !== null, p.stdout !== null, p.stderr !== null]);
      for (const p of [a, b, c]) yield* communicate(p);
      return shapes;
    });
    expect(shapes).toEqual([
      [false, false, false],
      [true, false, false],
      [true, true, true],
    ]);
  });

  it("exchanges lines over stdin and stdout with sendAll and recv (TestPopen.test_popen_bufsize)", async () => {
    const got = await real(function* () {
      const p = new Popen("sh", ["-c", 'while read x; do echo "got $x"; done']);
      yield* sendAll(p.stdin!, "foobar\n");
      const first = (yield* recv(p.stdout!)).toString();
      yield* sendAll(p.stdin!, Buffer.from("second\n"));
      const second = (yield* recv(p.stdout!)).toString();
      p.stdin!.close();
      const eof = (yield* recv(p.stdout!)).length;
      return [first, second, eof, yield* wait(p)];
    });
    expect(got).toEqual(["got foobar\n", "got second\n", 0, 0]);
  });

  it("streams a large output through recv byte-exact, with the reader bounded in memory", async () => {
    const total = await real(function* () {
      const p = new Popen("head", ["-c", "1000000", "/dev/zero"]);
      let total = 0;
      for (;;) {
        const b = yield* recv(p.stdout!, 100_000);
        if (b.length === 0) break;
        expect(b.length).toBeLessThanOrEqual(100_000);
        expect(b.every((x) => x === 0)).toBe(true);
        total += b.length;
      }
      yield* wait(p);
      return total;
    });
    expect(total).toBe(1_000_000);
  });

  it("communicates more than the pipe buffers both ways at once without deadlock", async () => {
    const input = pattern(1_000_000);
    const out = await real(function* () {
      // The child echoes its stdin to stdout and to stderr while it reads: it blocks on full
      // pipes unless the parent reads both while it writes.
      const p = new Popen(NODE, ["-e", "process.stdin.on('data', (d) => { process.stdout.write(d); process.stderr.write(d); })"]);
      return yield* communicate(p, input);
    });
    expect((out.stdout as Buffer).equals(input)).toBe(true);
    expect((out.stderr as Buffer).equals(input)).toBe(true);
  });

  it("ignores a child that exits without reading its input (Python ignores BrokenPipeError)", async () => {
    const out = await real(function* () {
      const p = new Popen("sh", ["-c", "echo done; exit 3"]);
      const r = yield* communicate(p, pattern(1_000_000));
      return [r.stdout!.toString(), p.returncode];
    });
    expect(out).toEqual(["done\n", 3]);
  });

  it("throws EPIPE from sendAll when the child does not read its stdin any more", async () => {
    const err = await real(function* () {
      const p = new Popen("true");
      yield* wait(p);
      const e = yield* thrown(sendAll(p.stdin!, pattern(1_000_000)));
      p.stdin!.close();
      return e;
    });
    expect(err.code).toBe("EPIPE");
  });

  it("refuses input after communication started, and input without a stdin pipe", async () => {
    const errs = await real(function* () {
      const p = new Popen("sh", ["-c", "sleep 0.2"]);
      const timedOut = yield* thrown(communicate(p, "x", 10));
      const again = yield* thrown(communicate(p, "more"));
      const done = yield* communicate(p);
      const q = new Popen("true", [], { stdio: ["ignore", "pipe", "pipe"] });
      const noPipe = yield* thrown(communicate(q, "x"));
      yield* communicate(q);
      return [timedOut, again.message, done, noPipe.message];
    });
    expect(errs[0]).toBeInstanceOf(TimeoutExpired);
    expect(errs[1]).toMatch(/`input`.*communicate\(\) has started/);
    expect(errs[2]).toEqual({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
    expect(errs[3]).toMatch(/`input`.*stdin is not a pipe/);
  });

  it("throws EBADF from a pipe closed here", async () => {
    const out = await real(function* () {
      const p = new Popen("sh", ["-c", "sleep 0.05"]);
      p.stdout!.close();
      p.stdout!.close(); // twice is fine
      const e = yield* thrown(recv(p.stdout!));
      p.stdin!.close();
      const e2 = yield* thrown(sendAll(p.stdin!, "x"));
      return [e.code, e2.code, yield* wait(p)];
    });
    expect(out).toEqual(["EBADF", "EBADF", 0]);
  });
});

describe("run and checkOutput", () => {
  it("returns the status without throwing, and check throws CalledProcessError (RunFuncTestCase.test_returncode, test_check)", async () => {
    const out = await real(function* () {
      const done = yield* runD(NODE, ["-e", "process.exit(47)"]);
      const err = yield* thrown(runD(NODE, ["-e", "process.exit(47)"], { check: true }));
      return [done, err];
    });
    expect(out[0]).toEqual({ status: 47, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
    expect(out[1]).toBeInstanceOf(CalledProcessError);
    expect(out[1]).toBeInstanceOf(WeftError);
    expect(out[1]).toMatchObject({ status: 47, returncode: 47, signal: null, cmd: [NODE, "-e", "process.exit(47)"], code: "ERR_WEFT_CALLED_PROCESS" });
  });

  it("does not throw with check on a zero status (RunFuncTestCase.test_check_zero)", async () => {
    const done = await real(() => runD("true", [], { check: true }));
    expect(done.status).toBe(0);
  });

  it("captures stdout and stderr (RunFuncTestCase.test_capture_stdout, test_capture_stderr)", async () => {
    const done = await real(() => runD(NODE, ["-e", "console.log('BDFL'); console.error('BDFL2')"]));
    expect(done.stdout!.toString()).toBe("BDFL\n");
    expect(done.stderr!.toString()).toBe("BDFL2\n");
  });

  it("feeds input, and closes stdin at once without it (RunFuncTestCase.test_check_output_input_arg)", async () => {
    const out = await real(function* () {
      const upper = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(s.toUpperCase()))";
      const fed = yield* runD(NODE, ["-e", upper], { input: "pear", encoding: "utf8" });
      const none = yield* runD("cat", [], { encoding: "utf8" }); // would hang if stdin stayed open
      return [fed.stdout, none.stdout];
    });
    expect(out).toEqual(["PEAR", ""]);
  });

  it("refuses input with a stdin that is not a pipe, naming both (RunFuncTestCase.test_check_output_stdin_with_input_arg)", async () => {
    const err = await real(() => thrown(runD("cat", [], { stdio: ["ignore", "pipe", "pipe"], input: "hare" })));
    expect(err.message).toMatch(/input/);
    expect(err.message).toMatch(/stdin/);
    expect(err.code).toBe("ERR_WEFT_INVALID_ARGUMENT");
  });

  it("passes Node's spawn options on: env, cwd, shell (RunFuncTestCase.test_run_kwargs)", async () => {
    const out = await real(function* () {
      const env = { ...process.env, FRUIT: "banana" };
      const a = yield* runD(NODE, ["-e", 'process.exit(process.env.FRUIT === "banana" ? 33 : 31)'], { env });
      const b = yield* runD("pwd", [], { cwd: "/tmp", encoding: "utf8" });
      const c = yield* runD("echo $((6 * 7))", [], { shell: true, encoding: "utf8" });
      return [a.status, b.stdout, c.stdout];
    });
    expect(out).toEqual([33, "/tmp\n", "42\n"]);
  });

  it("reports a signal as status null and signal name; check throws with returncode -signal", async () => {
    const out = await real(function* () {
      const done = yield* runD("sh", ["-c", "kill -TERM $$"]);
      const err = yield* thrown(runD("sh", ["-c", "kill -KILL $$"], { check: true }));
      return [done.status, done.signal, err.status, err.signal, err.returncode, err.message];
    });
    expect(out.slice(0, 5)).toEqual([null, "SIGTERM", null, "SIGKILL", -9]);
    expect(out[5]).toMatch(/died with SIGKILL/);
  });

  it("throws CalledProcessError from checkOutput on a non-zero status (TestPopen.test_check_output_keyword_error)", async () => {
    const out = await real(function* () {
      const ok = yield* checkOutputD("sh", ["-c", "echo fine"], { encoding: "utf8" });
      const err = yield* thrown(checkOutputD("sh", ["-c", "echo partial; echo oops >&2; exit 44"]));
      return [ok, err];
    });
    expect(out[0]).toBe("fine\n");
    expect(out[1]).toBeInstanceOf(CalledProcessError);
    expect(out[1]).toMatchObject({ returncode: 44, status: 44, stdout: Buffer.from("partial\n"), stderr: Buffer.from("oops\n") });
    expect((out[1] as Error).message).toBe("Command `sh -c \"echo partial; echo oops >&2; exit 44\"` returned non-zero exit status 44.");
  });

  it("keeps the output read before a timeout in TimeoutExpired (RunFuncTestCase.test_check_output_timeout)", async () => {
    const err = await real(() => thrown(runD("sh", ["-c", "printf BDFL; exec sleep 3600"], { timeout: 300 })));
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect(err).toMatchObject({ timeout: 300, stdout: Buffer.from("BDFL"), output: Buffer.from("BDFL"), stderr: Buffer.alloc(0), code: "ERR_WEFT_SUBPROCESS_TIMEOUT" });
  });

  it("throws ENOENT for a missing program; with a shell, the shell's status 127 instead (as Python)", async () => {
    const out = await real(function* () {
      const err = yield* thrown(runD("this_name_must_not_exist"));
      const viaShell = yield* runD("this_name_must_not_exist", [], { shell: true });
      return [err.code, viaShell.status];
    });
    expect(out).toEqual(["ENOENT", 127]);
  });
});

describe("on runTest's virtual clock", () => {
  it("counts a running child as an external wait: the clock does not jump past it (as wait(promise))", async () => {
    const { value } = await runTest(function* () {
      const p = new Popen("sh", ["-c", "sleep 0.2; echo hi; exit 2"]);
      const code = yield* wait(p, 50); // 50 virtual ms never pass while the child may still exit
      const out = yield* communicate(p);
      yield* nap(10_000); // nothing external left: this costs nothing
      return [code, out.stdout!.toString(), now()];
    });
    expect(value[0]).toBe(2);
    expect(value[1]).toBe("hi\n");
    expect(value[2]).toBeGreaterThanOrEqual(10_000);
  });
});

describe("bad input and plain calls", () => {
  it("names the argument", async () => {
    const msgs = await real(function* () {
      const msgs: string[] = [];
      const t = (f: () => unknown) => {
        try {
          f();
          msgs.push("no error");
        } catch (e) {
          msgs.push(`${(e as { code?: string }).code}: ${(e as Error).message}`);
        }
      };
      t(() => new Popen(42 as unknown as string));
      t(() => new Popen("ls", "-l" as unknown as string[]));
      t(() => new Popen("ls", [1 as unknown as string]));
      t(() => new Popen("ls", [], { encoding: "klingon" as BufferEncoding }));
      t(() => new Popen("ls", [], { stdio: 7 as unknown as "pipe" }));
      const p = new Popen("sh", ["-c", "sleep 5"]);
      t(() => p.kill("SIGFOO" as NodeJS.Signals));
      for (const gen of [wait(p, -1), communicate(p, 5 as unknown as string), recv(p.stdout!, -1), runD("ls", [], { timeout: -5 }), runD("ls", [], { check: "yes" as unknown as boolean })]) {
        msgs.push((yield* thrown(gen)).message);
      }
      p.kill();
      yield* wait(p);
      return msgs;
    });
    expect(msgs).toEqual([
      "ERR_WEFT_INVALID_ARGUMENT: Expected `file` to be a non-empty string, got `42`.",
      'ERR_WEFT_INVALID_ARGUMENT: Expected `args` to be an array of strings, got `"-l"`.',
      "ERR_WEFT_INVALID_ARGUMENT: Expected `args[0]` to be a string, got `1`.",
      'ERR_WEFT_INVALID_ARGUMENT: Expected `options.encoding` to be a Buffer encoding such as "utf8", got `"klingon"`.',
      "ERR_WEFT_INVALID_ARGUMENT: Expected `options.stdio` to be a string or an array, got `7`.",
      'ERR_WEFT_INVALID_ARGUMENT: Expected `signal` to be a signal name such as "SIGTERM" or a signal number, got `"SIGFOO"`.',
      "Expected `timeout` to be a non-negative number of milliseconds, got `-1`.",
      "Expected `input` to be a Buffer, a Uint8Array or a string, got `5`.",
      "Expected `maxBytes` to be an integer >= 0, got `-1`.",
      "Expected `options.timeout` to be a non-negative number of milliseconds, got `-5`.",
      'Expected `options.check` to be a boolean, got `"yes"`.',
    ]);
  });

  it("throws ERR_WEFT_NOT_DRIVEN from the plain faces", async () => {
    const codes = await real(function* () {
      const p = new Popen("true");
      const codes: unknown[] = [];
      for (const f of [() => run("true"), () => checkOutput("true"), () => p.wait(), () => p.communicate(), () => p.stdout!.recv(), () => p.stdin!.sendAll("x")]) {
        try {
          f();
        } catch (e) {
          codes.push((e as { code?: string }).code);
        }
      }
      yield* communicate(p);
      return codes;
    });
    expect(codes).toEqual(Array(6).fill("ERR_WEFT_NOT_DRIVEN"));
  });

  it("lets a second waiter on a pipe fail with ConcurrentObjectUseError", async () => {
    const name = await real(function* () {
      const p = new Popen("sh", ["-c", "sleep 0.1; echo x"]);
      const reader = spawn(coroutine(function* () { return (yield* recv(p.stdout!)).toString(); }));
      yield* nap(10);
      const e = yield* thrown(recv(p.stdout!));
      const other = yield* thrown(communicate(p));
      const got = yield* invoke(reader, "get");
      yield* wait(p);
      return [e.name, other.name, got];
    });
    expect(name).toEqual(["ConcurrentObjectUseError", "ConcurrentObjectUseError", "x\n"]);
  });
});
