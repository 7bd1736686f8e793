// A real SMTP server in-process (smtp-server) that parses what it accepts (mailparser), for
// the notification tests. `reject` refuses recipients with a 5xx; `hold` keeps a message's
// answer back (the sender waits mid-send) until released.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface Received {
  readonly mail: ParsedMail;
  readonly to: string;
  readonly kind: string;
  readonly messageId: string;
  /** The name the sending process greeted with (EHLO), which tells the processes apart. */
  readonly client: string;
}

export interface TestSmtp {
  readonly url: string;
  readonly received: Received[];
  /** Recipients refused with 550. */
  readonly reject: Set<string>;
  /** Holds the answer of the message after `skip` more: resolves with its sender's EHLO name once held. */
  holdNext(skip?: number): Promise<string>;
  /** Answers the held message with a failure that never reaches the sender (it is gone). */
  dropHeld(): void;
  ofKind(kind: string): Received[];
  close(): Promise<void>;
}

/** `acceptMs`: each message's acceptance takes this long, as a real relay's does. */
export async function startSmtp(o: { acceptMs?: number } = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const reject = new Set<string>();
  let holding: ((client: string) => void) | undefined;
  let skipping = 0;
  let held: ((err?: Error) => void) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (reject.has(address.address.toLowerCase())) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const client = session.hostNameAppearsAs;
        if (holding && skipping-- <= 0) {
          const notify = holding;
          holding = undefined;
          // Never accepted: the sender did not get its 250, so the relay does not have it.
          held = (err) => callback(err ?? new Error('dropped'));
          notify(client);
          return;
        }
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          const messageId = mail.messageId ?? '';
          const entry = { mail, to: session.envelope.rcptTo.map((r) => r.address).join(','), kind: /^<m[0-9]+\.([a-z0-9_]+)@/.exec(messageId)?.[1] ?? '', messageId, client };
          // Received when accepted: the 250 goes out with it.
          setTimeout(() => {
            received.push(entry);
            callback();
          }, o.acceptMs ?? 0);
        }, callback);
      });
    },
  });
  // A sender killed mid-conversation resets its connection: expected here, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    reject,
    holdNext: (skip = 0) =>
      new Promise<string>((resolve) => {
        skipping = skip;
        holding = resolve;
      }),
    dropHeld() {
      held?.(Object.assign(new Error('the sender went away'), { responseCode: 451 }));
      held = undefined;
    },
    ofKind: (kind) => received.filter((r) => r.kind === kind),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
