// `pnpm try-mail`, the try command for mail: MailDev (an SMTP server with a web page that
// shows what it received) on this machine, for trying the address and the
// password reset without an SMTP service. Prints the lines to start an app
// with, and serves until Ctrl-C.
import { MailDev } from 'maildev';

const smtpPort = Number(process.env.MAIL_SMTP_PORT || 1025);
const webPort = Number(process.env.MAIL_WEB_PORT || 1080);
const origin = process.env.ORIGIN || `http://localhost:${process.env.PORT || 3000}`;

// Loopback only: what it catches is for this machine's eyes.
const maildev = new MailDev({ smtp: smtpPort, ip: '127.0.0.1', web: webPort, webIp: '127.0.0.1' });
await maildev.start();

const lines = [`SMTP_URL=smtp://127.0.0.1:${smtpPort}`, "MAIL_FROM='Auth <auth@localhost>'"];
console.log(
  `MailDev takes mail at smtp://127.0.0.1:${smtpPort} and shows it at http://127.0.0.1:${webPort}.`,
);
console.log('Start an app with these variables, for example in another terminal:\n');
console.log(`${lines.join(' \\\n')} \\\npnpm start\n`);
console.log(
  `Then add an address on ${origin}/account, read its code at http://127.0.0.1:${webPort}, and try "Forgot your password?" on ${origin}/signin. Ctrl-C stops MailDev.`,
);

const stop = async () => {
  await maildev.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
