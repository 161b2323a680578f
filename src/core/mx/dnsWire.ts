// DNS messages as bytes (RFC 1035 §4), encoded and decoded by dns-packet: the one query we send, and the answer
// records we read, mapped to our own types. Answers come from the network, so whatever dns-packet cannot read, or
// reads past its records' own lengths, is a MalformedMessage, never a crash.
import { isIPv4, isIPv6 } from 'node:net';
import { Answer, decode, DecodedPacket, encode, Packet, RECURSION_DESIRED, streamEncode, TRUNCATED_RESPONSE } from 'dns-packet';

export const RECORD_TYPE = { A: 1, CNAME: 5, MX: 15, AAAA: 28 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** The UDP payload size we offer with EDNS (RFC 6891): DNS Flag Day 2020's value, which avoids IP fragmentation. */
export const UDP_PAYLOAD_SIZE = 1232;

type RecordTypeName = keyof typeof RECORD_TYPE;
const TYPE_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(RECORD_TYPE));
const NAME_BY_TYPE: ReadonlyMap<number, RecordTypeName> = new Map(Object.entries(RECORD_TYPE).map(([name, type]) => [type, name as RecordTypeName]));

const HEADER_SIZE = 12;
/** The RCODE bits of the header's flags (RFC 1035 §4.1.1); dns-packet's types give only the flags. */
const RCODE_MASK = 0x000f;
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
  /** The first question; its type is undefined when it is none of RECORD_TYPE (so never one we asked). */
  readonly question?: { readonly name: string; readonly type: number | undefined };
  /** The answer section's A, AAAA, CNAME and MX records of class IN (others skipped); empty when truncated. */
  readonly answers: readonly AnswerRecord[];
}

/** A name we cannot ask about, or bytes that are not a DNS message. */
export class MalformedMessage extends Error {}

/** The query for `name` and `type`, recursion desired, with an EDNS OPT record offering UDP_PAYLOAD_SIZE. */
function queryPacket(id: number, name: string, type: number): Packet {
  // dns-packet writes labels as given: a longer one, or one with a dot or other bytes, would be a broken or other name.
  if (name.length > 253 || !name.split('.').every((label) => QUERY_LABEL.test(label))) throw new MalformedMessage('it is not labels of 1-63 letters, digits, hyphens or underscores');
  const typeName = NAME_BY_TYPE.get(type);
  if (!typeName) throw new MalformedMessage(`record type ${type} is not one we ask for`);
  return {
    type: 'query',
    id,
    flags: RECURSION_DESIRED,
    questions: [{ type: typeName, name }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: UDP_PAYLOAD_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  };
}

/** The query as a UDP payload. */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  return encode(queryPacket(id, name, type));
}

/** The query for TCP: preceded by its two-byte length (RFC 1035 §4.2.2). */
export function encodeTcpQuery(id: number, name: string, type: number): Buffer {
  return streamEncode(queryPacket(id, name, type));
}

/** A name as we compare and show it: lower case, the root as the empty string (dns-packet writes it "."). */
function nameText(name: string): string {
  return name === '.' ? '' : name.toLowerCase();
}

/** IPv6 text in its short form (RFC 5952), as the WHATWG URL parser writes it: dns-packet shortens the first zero run, not the longest. */
function ipv6Text(address: string): string {
  return new URL(`http://[${address}]`).hostname.slice(1, -1);
}

function answerRecord(answer: Answer): AnswerRecord[] {
  // dns-packet reads the top bit of the class as mDNS's cache-flush bit; in unicast DNS that class is not IN.
  if (answer.type === 'OPT' || answer.class !== 'IN' || answer.flush) return [];
  const ttl = answer.ttl ?? 0;
  // RFC 2181 §8: a TTL with the top bit set is read as zero.
  const base = { name: nameText(answer.name), ttl: ttl > 0x7fffffff ? 0 : ttl };
  switch (answer.type) {
    case 'A':
      if (!isIPv4(answer.data)) throw new MalformedMessage('an A record does not hold an IPv4 address');
      return [{ ...base, type: RECORD_TYPE.A, address: answer.data }];
    case 'AAAA':
      if (!isIPv6(answer.data)) throw new MalformedMessage('an AAAA record does not hold an IPv6 address');
      return [{ ...base, type: RECORD_TYPE.AAAA, address: ipv6Text(answer.data) }];
    case 'CNAME':
      return [{ ...base, type: RECORD_TYPE.CNAME, target: nameText(answer.data) }];
    case 'MX':
      return [{ ...base, type: RECORD_TYPE.MX, priority: answer.data.preference ?? 0, exchange: nameText(answer.data.exchange) }];
    default:
      return [];
  }
}

/** A copy of a message that says it holds no records, only its header and question. */
function headerAndQuestion(message: Buffer): Buffer {
  const copy = Buffer.from(message);
  copy.fill(0, 6, HEADER_SIZE); // ANCOUNT, NSCOUNT, ARCOUNT
  return copy;
}

/** Decodes a response; throws MalformedMessage when the bytes are not a readable DNS message. */
export function decodeResponse(message: Buffer): DnsResponse {
  // A truncated message may end mid-record, and its records are not used: they are not read.
  const truncated = message.length >= HEADER_SIZE && (message.readUInt16BE(2) & TRUNCATED_RESPONSE) !== 0;
  let packet: DecodedPacket;
  try {
    packet = decode(truncated ? headerAndQuestion(message) : message);
  } catch (error) {
    throw new MalformedMessage((error as Error).message);
  }
  // dns-packet reads A, AAAA, CNAME and MX data without checking the record's length field: a length that lies
  // shows as records that do not end where the message ends.
  if (!truncated && decode.bytes !== message.length) throw new MalformedMessage('its records do not end where the message ends');
  const [question] = packet.questions ?? [];
  return {
    id: packet.id ?? 0,
    isResponse: packet.flag_qr,
    rcode: (packet.flags ?? 0) & RCODE_MASK,
    truncated,
    question: question && { name: nameText(question.name), type: TYPE_BY_NAME.get(question.type) },
    answers: (packet.answers ?? []).flatMap(answerRecord),
  };
}
