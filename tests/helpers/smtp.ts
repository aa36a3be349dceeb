import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMail {
  /** The envelope's recipients, as the SMTP client named them in RCPT TO. */
  envelopeTo: string[];
  mail: ParsedMail;
}

export interface TestSmtp {
  host: string;
  port: number;
  /** What the playground's config/plugins reads to send through this server. */
  env: Record<string, string>;
  received: ReceivedMail[];
  /** Resolves once `count` messages have arrived in all (up to 5 s). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** While set, RCPT TO is refused with this text (a permanent 550, or `refuseCode`). */
  refuseRecipients: string | null;
  /** The reply code of a refusal: 550 (permanent) unless set, e.g. 450 (try again later). */
  refuseCode: number;
  /** While set, only these recipients are refused (by address); otherwise every one is. */
  refuseOnly: string[] | null;
  /** Stops listening (the port is closed until `start` again). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (a random port) that keeps every message it accepts, parsed. */
export const startSmtp = async (): Promise<TestSmtp> => {
  const received: ReceivedMail[] = [];
  let port = 0;
  let server: SMTPServer;

  const smtp: TestSmtp = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get env() {
      return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'Test Site <site@example.test>' };
    },
    received,
    refuseRecipients: null,
    refuseCode: 550,
    refuseOnly: null,
    async waitFor(count, timeoutMs = 5000) {
      const started = Date.now();
      while (received.length < count && Date.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
      if (received.length < count) throw new Error(`The SMTP server got ${received.length} message(s), not ${count}`);
      return received;
    },
    async start() {
      server = new SMTPServer({
        authOptional: true,
        // Plain SMTP on the loopback: no self-signed certificate for the client to refuse.
        disabledCommands: ['STARTTLS'],
        logger: false,
        onRcptTo(address: SMTPServerAddress, _session, callback) {
          if (smtp.refuseRecipients === null) return callback();
          if (smtp.refuseOnly && !smtp.refuseOnly.includes(address.address.toLowerCase())) return callback();
          const error = new Error(smtp.refuseRecipients) as Error & { responseCode: number };
          error.responseCode = smtp.refuseCode;
          return callback(error);
        },
        onData(stream, session, callback) {
          simpleParser(stream)
            .then((mail) => {
              received.push({ envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), mail });
              callback();
            })
            .catch(callback);
        },
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      port = (server.server.address() as AddressInfo).port;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  await smtp.start();
  return smtp;
};

/**
 * A mail server that takes the connection and never says a word: a send to it hangs until the
 * client gives up (what a provider stuck mid-send looks like). Answers its port.
 */
export const startSilentSmtp = async (): Promise<{ port: number; connected: Promise<void>; stop(): Promise<void> }> => {
  const net = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  let reached!: () => void;
  /** Resolves once a client has connected: a sender is then mid-send. */
  const connected = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const server = net.createServer((socket) => {
    sockets.add(socket);
    reached();
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connected,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
