import { writeFileSync } from 'node:fs';
import { startFuzzStack } from './stack.ts';
const t = Date.now();
const stack = await startFuzzStack();
console.log('UP', stack.appUrl, stack.databaseUrl, stack.emulator.url, (Date.now() - t) / 1000);
writeFileSync('/tmp/fz/stack.json', JSON.stringify({ appUrl: stack.appUrl, databaseUrl: stack.databaseUrl, emulatorUrl: stack.emulator.url }));
process.on('SIGTERM', async () => { writeFileSync('/tmp/fz/log.txt', stack.serverLog()); await stack.stop(); process.exit(0); });
setInterval(() => writeFileSync('/tmp/fz/log.txt', stack.serverLog()), 2000);
