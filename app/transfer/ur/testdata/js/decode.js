// Decode UR parts with the reference @ngraveio/bc-ur.
// Input (stdin): one UR part per line, in the order received.
// Output (stdout, JSON): {"complete": bool, "success": bool, "type": "...",
//   "hex": "...", "partsRead": n, "error": "..."}
'use strict';
const { URDecoder } = require('@ngraveio/bc-ur');

const lines = require('fs').readFileSync(0, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
const dec = new URDecoder();
let read = 0;
let error = '';
for (const line of lines) {
  read++;
  try {
    dec.receivePart(line);
  } catch (e) {
    error = String(e && e.message ? e.message : e);
    break;
  }
  if (dec.isComplete()) {
    break;
  }
}
const result = { complete: Boolean(dec.isComplete()), success: Boolean(dec.isSuccess()), partsRead: read, error: error || dec.resultError() };
if (dec.isSuccess()) {
  const ur = dec.resultUR();
  result.type = ur.type;
  result.hex = ur.cbor.toString('hex');
}
process.stdout.write(JSON.stringify(result) + '\n');
