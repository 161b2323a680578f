// DNS messages as bytes (RFC 1035 §4): the one query we send and the answer records we read. Answers come from the
// network, so every length, count and name pointer is checked before it is used.

export const RECORD_TYPE = { A: 1, CNAME: 5, MX: 15, AAAA: 28 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** The UDP payload size we offer with EDNS (RFC 6891): DNS Flag Day 2020's value, which avoids IP fragmentation. */
export const UDP_PAYLOAD_SIZE = 1232;

const CLASS_IN = 1;
const TYPE_OPT = 41;
const HEADER_SIZE = 12;
const MAX_NAME_OCTETS = 255;
/** A label we are willing to ask about: letters, digits, hyphen, underscore. Anything stranger is not a mail host. */
const QUERY_LABEL = /^[a-z0-9_-]{1,63}$/i;

interface RecordBase {
  /** Owner name, lower case, without the trailing dot. */
  readonly name: string;
  readonly ttl: number;
}

export type AnswerRecord =
  | RecordBase & { readonly type: typeof RECORD_TYPE.A | typeof RECORD_TYPE.AAAA; readonly address: string }
  | RecordBase & { readonly type: typeof RECORD_TYPE.CNAME; readonly target: string }
  | RecordBase & { readonly type: typeof RECORD_TYPE.MX; readonly exchange: string; readonly priority: number };

export interface DnsResponse {
  readonly id: number;
  readonly isResponse: boolean;
  readonly rcode: number;
  /** TC flag: the server cut the answer short. */
  readonly truncated: boolean;
  readonly question?: { readonly name: string; readonly type: number };
  /** The answer section's A, AAAA, CNAME and MX records of class IN (others skipped); empty when truncated. */
  readonly answers: readonly AnswerRecord[];
}

/** A name we cannot ask about, or bytes that are not a DNS message. */
export class MalformedMessage extends Error {}

/** The query for `name` and `type`, recursion desired, with an EDNS OPT record offering UDP_PAYLOAD_SIZE. */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((label) => QUERY_LABEL.test(label))) throw new MalformedMessage('it is not labels of 1-63 letters, digits, hyphens or underscores');
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(1, 10); // one additional record: the OPT
  const question = Buffer.concat([...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')])), Buffer.from([0])]);
  const tail = Buffer.alloc(4 + 11);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  // OPT: root owner (the zero byte at 4), type, payload size in the class field, TTL and RDLENGTH zero.
  tail.writeUInt16BE(TYPE_OPT, 5);
  tail.writeUInt16BE(UDP_PAYLOAD_SIZE, 7);
  return Buffer.concat([header, question, tail]);
}

function need(message: Buffer, end: number): void {
  if (end > message.length) throw new MalformedMessage('the message ends in the middle of a record');
}

/** One label as text: letters, digits, hyphen and underscore as they are, any other byte as \DDD (RFC 1035 §5.1). */
function labelText(bytes: Buffer): string {
  return [...bytes].map((byte) => {
    const char = String.fromCharCode(byte);
    return /[a-z0-9_-]/i.test(char) ? char.toLowerCase() : `\\${String(byte).padStart(3, '0')}`;
  }).join('');
}

/** Reads the (possibly compressed) name at `start`; `end` is where the bytes after it begin. */
function readName(message: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  let end: number | undefined;
  let octets = 1;
  for (;;) {
    need(message, offset + 1);
    const size = message[offset];
    if (size === 0) return { name: labels.join('.'), end: end ?? offset + 1 };
    if ((size & 0xc0) === 0xc0) {
      need(message, offset + 2);
      const pointer = ((size & 0x3f) << 8) | message[offset + 1];
      end ??= offset + 2;
      // Pointers must go backward; with the 255-octet cap below, a hostile message cannot make this loop forever.
      if (pointer >= offset) throw new MalformedMessage('a name pointer does not point backward');
      offset = pointer;
      continue;
    }
    if (size > 63) throw new MalformedMessage('unknown label type');
    need(message, offset + 1 + size);
    octets += size + 1;
    if (octets > MAX_NAME_OCTETS) throw new MalformedMessage('a name is longer than 255 octets');
    labels.push(labelText(message.subarray(offset + 1, offset + 1 + size)));
    offset += 1 + size;
  }
}

/** IPv6 text in its short form (RFC 5952), as the WHATWG URL parser writes it. */
function ipv6Text(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, index) => bytes.readUInt16BE(index * 2).toString(16));
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

function readRecord(message: Buffer, start: number): { record?: AnswerRecord; end: number } {
  const owner = readName(message, start);
  const fields = owner.end;
  need(message, fields + 10);
  const type = message.readUInt16BE(fields);
  const recordClass = message.readUInt16BE(fields + 2);
  const rawTtl = message.readUInt32BE(fields + 4);
  const length = message.readUInt16BE(fields + 8);
  const data = fields + 10;
  const end = data + length;
  need(message, end);
  if (recordClass !== CLASS_IN) return { end };
  // RFC 2181 §8: a TTL with the top bit set is read as zero.
  const base = { name: owner.name, ttl: rawTtl > 0x7fffffff ? 0 : rawTtl };
  const nameInData = (at: number): string => {
    const read = readName(message, at);
    if (read.end > end) throw new MalformedMessage('a name runs past its record');
    return read.name;
  };
  if (type === RECORD_TYPE.A && length === 4) return { record: { ...base, type, address: [...message.subarray(data, end)].join('.') }, end };
  if (type === RECORD_TYPE.AAAA && length === 16) return { record: { ...base, type, address: ipv6Text(message.subarray(data, end)) }, end };
  if (type === RECORD_TYPE.CNAME) return { record: { ...base, type, target: nameInData(data) }, end };
  if (type === RECORD_TYPE.MX && length >= 3) return { record: { ...base, type, priority: message.readUInt16BE(data), exchange: nameInData(data + 2) }, end };
  if (type === RECORD_TYPE.A || type === RECORD_TYPE.AAAA || type === RECORD_TYPE.MX) throw new MalformedMessage(`a record of type ${type} has ${length} bytes of data`);
  return { end };
}

/** Decodes a response; throws MalformedMessage when the bytes are not a readable DNS message. */
export function decodeResponse(message: Buffer): DnsResponse {
  need(message, HEADER_SIZE);
  const flags = message.readUInt16BE(2);
  const questionCount = message.readUInt16BE(4);
  const answerCount = message.readUInt16BE(6);
  let offset = HEADER_SIZE;
  let question: DnsResponse['question'];
  for (let index = 0; index < questionCount; index += 1) {
    const read = readName(message, offset);
    need(message, read.end + 4);
    question ??= { name: read.name, type: message.readUInt16BE(read.end) };
    offset = read.end + 4;
  }
  const truncated = (flags & 0x0200) !== 0;
  const answers: AnswerRecord[] = [];
  // A truncated message may end mid-record, and its records are not used: they are not read.
  for (let index = 0; index < (truncated ? 0 : answerCount); index += 1) {
    const read = readRecord(message, offset);
    if (read.record) answers.push(read.record);
    offset = read.end;
  }
  return {
    id: message.readUInt16BE(0),
    isResponse: (flags & 0x8000) !== 0,
    rcode: flags & 0x000f,
    truncated,
    question,
    answers,
  };
}
