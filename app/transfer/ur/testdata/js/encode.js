// Encode a message with the reference @ngraveio/bc-ur.
// Input (stdin, JSON): {"type": "conclave", "hex": "...", "maxFragmentLength": 300,
//   "firstSeqNum": 0, "count": 100}
// Output (stdout): one UR part per line, as the reference writes it.
'use strict';
const { UR, UREncoder } = require('@ngraveio/bc-ur');

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const ur = new UR(Buffer.from(input.hex, 'hex'), input.type);
const enc = new UREncoder(ur, input.maxFragmentLength, input.firstSeqNum || 0);
const out = [];
for (let i = 0; i < input.count; i++) {
  out.push(enc.nextPart());
}
process.stdout.write(out.join('\n') + '\n');
