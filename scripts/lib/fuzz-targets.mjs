// The fuzz harness's targets (scripts/fuzz.mjs): for each, a fast-check arbitrary of case specs and `payloadOf`, which
// renders a spec into what the engine process (fuzz-runner.mjs) runs, with a description of the case's bomb.
import fc from 'fast-check';
import { allLogUnits, LOG_FORMATS, logDocument, mixedLogDocument } from './fuzz-logs.mjs';
import { MESSAGE_UNITS, messageDocument } from './fuzz-messages.mjs';
import { bomb, field, junk, lineBomb, lineEnds, mutate, mutations, render, withLineEnds } from './fuzz-pieces.mjs';
import { address, diagnostic, enhancedCode, replyCode, wordingUnits } from './fuzz-values.mjs';

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
/** How the engine gets the bytes: as text (an editor's), a stream in pieces (stdin), a file, or gzip-compressed. */
const delivery = fc.record({ via: fc.constantFrom('stream', 'stream', 'text', 'path', 'gzip'), splits: fc.array(fraction, { maxLength: 4 }) });

/** A document of one kind, with its line ends, damage, bomb and delivery. */
const caseOf = (document, units) => fc.record({ document, ends: lineEnds, mutations: mutations(units), bomb: bomb(units), delivery });

/** Renders a case to the input the engine reads, and says what its bomb did. */
function inputOf(spec, name) {
  const rendered = render(spec.document, spec.bomb);
  const line = lineBomb(rendered.bytes, spec.bomb);
  const bytes = mutate(withLineEnds(line.bytes, spec.ends), spec.mutations);
  return { input: { name, ...spec.delivery, bytes }, shape: rendered.shape ?? line.shape };
}

function extractTarget(document, units, weight) {
  return {
    weight,
    arbitrary: caseOf(document, units),
    payloadOf(spec, name) {
      const { input, shape } = inputOf(spec, name);
      return { payload: { kind: 'extract', inputs: [input] }, shape };
    },
  };
}

/** Inputs that give nothing, which the report lists under "Inputs not scanned". */
const EXTRA_INPUTS = {
  empty: { name: 'empty.log', via: 'stream', splits: [], bytes: Buffer.alloc(0) },
  binary: { name: 'binary.bin', via: 'stream', splits: [], bytes: Buffer.from([0, 1, 2, 0, 0xff, 0xfe, 0, 0x1f]) },
  truncatedGzip: { name: 'cut.gz', via: 'stream', splits: [], bytes: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xcb, 0x48]) },
};

const policyPattern = fc.stringMatching(/^(?:[245*]\.(?:\d{1,3}|\*)\.(?:\d{1,3}|\*)|[245*][\d*][\d*])$/);
const CLASSIFY_UNITS = [...wordingUnits, '@', '<@>', 'a@b.c ', '.', '5.', '5.1.', '550', ' ', '-'];
const classifiedEvent = fc.record({
  address: field('address', address, CLASSIFY_UNITS),
  outcome: fc.constantFrom('failed', 'deferred', 'delivered', 'rejected-inbound'),
  status: fc.option(field('status', fc.oneof(enhancedCode, junk(CLASSIFY_UNITS)), CLASSIFY_UNITS)),
  reply: fc.option(replyCode),
  diagnostic: field('diagnostic', fc.oneof(diagnostic, fc.array(fc.constantFrom(...CLASSIFY_UNITS), { maxLength: 12 }).map((words) => words.join(''))), CLASSIFY_UNITS),
  stage: fc.option(fc.constantFrom('MAIL', 'RCPT', 'DATA')),
});

/** The map step's lines (`extract --format ndjson --deliveries`) as `smtp-diag merge` reads them. */
const MERGE_UNITS = ['{', '}', '":"', '","', '\\u', '\\"', 'null', 'true', '"type":"end"', '"type":"delivered"', '"address":"', '"lastSeen":"', '2025-03-01T10:00:00', '.000Z', '[', ']'];
const mergeField = (name, normal) => field(name, normal, MERGE_UNITS);
/** A time as records write it, mostly; sometimes a text that is none (merge must not order by it). */
const recordTime = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('"2025-03-01T10:00:00.000"', '"2025-03-02T09:00:00.000Z"', '"2025-03-01T10:00:00.123456789"', 'null', '"0000-01-01T00:00:00Z"', '"9999-12-31T23:59:59.999Z"') },
  { weight: 1, arbitrary: fc.constantFrom('"2025-13-45T99:99:99"', '"yesterday"', '0') },
);
/** Few addresses, so that records and deliveries of one address meet; some numbered by the line, so many addresses. */
const mergeAddress = fc.oneof(fc.constantFrom('a@x.example', 'A@X.Example', 'b@y.example'), fc.constant(['u', { counter: true }, '@d.example']), address);
const count = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom('-1', '1.5', '1e308', '"1"', 'null') });
const recordType = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('hard', 'review', 'soft') }, { weight: 1, arbitrary: fc.constantFrom('bounced', 'end', 'delivered') });
const recordLine = fc.tuple(mergeField('address', mergeAddress), recordType, mergeField('diagnostic', diagnostic), recordTime, recordTime, count,
  mergeField('file', fc.constantFrom('maillog', 'maillog.1', 'stdin')))
  .map(([recipient, type, text, first, last, times, file]) => ['{"address":"', { json: recipient }, '","status":"5.1.1","reply":"550","type":"', type,
    '","reason":"user-unknown","rule":"address-gone","source":"log","diagnostic":"', { json: text }, '","remoteMta":null,"date":', first, ',"messageId":null,"file":"',
    { json: file }, '","line":1,"count":', times, ',"firstSeen":', first, ',"lastSeen":', last, ',"yearInferred":false}\n']);
const deliveryLine = fc.tuple(mergeField('address', mergeAddress), recordTime)
  .map(([recipient, time]) => ['{"address":"', { json: recipient }, '","type":"delivered","lastSeen":', time, ',"file":"maillog"}\n']);
const endLine = fc.tuple(mergeField('input', fc.constantFrom('maillog', '/var/log/maillog.1', 'stdin')), count, count, fc.constantFrom('true', 'true', 'false', '0'))
  .map(([input, records, deliveries, allRead]) => ['{"type":"end","input":"', { json: input }, '","records":', records, ',"deliveries":', deliveries, ',"allRead":', allRead, '}\n']);
/** Outputs of many map steps as one stream: their lines repeated, many addresses past merge's memory budget. */
const mergeDocument = fc.record({
  lines: fc.array(fc.oneof({ weight: 5, arbitrary: recordLine }, { weight: 3, arbitrary: deliveryLine }, { weight: 1, arbitrary: endLine }), { minLength: 1, maxLength: 30 }),
  repeat: fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 2_000 }) }),
}).map(({ lines, repeat }) => ({ cycle: lines, count: lines.length * repeat }));

export const TARGETS = {
  ...Object.fromEntries(Object.keys(LOG_FORMATS).map((name) => [name, extractTarget(logDocument(name), LOG_FORMATS[name].units, name === 'postfix' || name === 'exim' ? 8 : 6)])),
  mime: extractTarget(messageDocument, MESSAGE_UNITS, 22),
  classify: {
    weight: 14,
    arbitrary: fc.record({
      events: fc.array(classifiedEvent, { minLength: 1, maxLength: 20 }),
      policy: fc.option(fc.record({ softCodes: fc.array(policyPattern, { maxLength: 6 }), hardCodes: fc.array(policyPattern, { maxLength: 6 }) }), { freq: 2 }),
      bomb: bomb(CLASSIFY_UNITS),
    }),
    payloadOf(spec) {
      // Field bombs hit one field among all events' fields; line bombs one event's diagnostic.
      const slots = spec.events.flatMap((event, index) => ['address', 'status', 'diagnostic'].filter((key) => event[key] !== null).map((key) => [index, key]));
      const fieldBomb = spec.bomb && ['replace', 'append', 'prepend'].includes(spec.bomb.mode) ? spec.bomb : null;
      const [bombedEvent, bombedKey] = fieldBomb ? slots[Math.floor(fieldBomb.at * slots.length)] : [-1, ''];
      const lineBombed = spec.bomb && !fieldBomb ? Math.floor(spec.bomb.at * spec.events.length) : -1;
      let shape;
      const events = spec.events.map((event, index) => {
        const own = (key) => (index === bombedEvent && key === bombedKey ? { ...fieldBomb, at: 0 } : null);
        const text = (key) => {
          if (event[key] === null) return undefined;
          const rendered = render(event[key], own(key));
          shape ??= rendered.shape;
          return rendered.bytes.toString('utf8');
        };
        let diagnosticText = text('diagnostic');
        if (index === lineBombed) {
          const line = lineBomb(Buffer.from(diagnosticText, 'utf8'), spec.bomb);
          diagnosticText = line.bytes.toString('utf8');
          shape = line.shape && `diagnostic ${line.shape}`;
        }
        return {
          address: text('address'), outcome: event.outcome, status: text('status'), reply: event.reply ?? undefined, diagnostic: diagnosticText,
          stage: event.stage ?? undefined, file: 'fuzz', line: index + 1, format: 'fuzz',
        };
      });
      return { payload: { kind: 'classify', events, policy: spec.policy }, shape };
    },
  },
  merge: {
    weight: 6,
    arbitrary: caseOf(mergeDocument, MERGE_UNITS),
    payloadOf(spec, name) {
      const { input, shape } = inputOf(spec, name);
      return { payload: { kind: 'merge', inputs: [input] }, shape };
    },
  },
  report: {
    weight: 10,
    arbitrary: fc.record({
      log: caseOf(mixedLogDocument, allLogUnits),
      message: fc.option(caseOf(messageDocument, MESSAGE_UNITS), { freq: 2 }),
      extras: fc.subarray(Object.keys(EXTRA_INPUTS)),
    }),
    payloadOf(spec) {
      const log = inputOf(spec.log, 'mixed.log');
      const message = spec.message && inputOf(spec.message, 'bounces.mbox');
      const inputs = [log.input, message?.input, ...spec.extras.map((name) => EXTRA_INPUTS[name])].filter(Boolean);
      return { payload: { kind: 'extract', inputs }, shape: log.shape ?? message?.shape };
    },
  },
};

/** The cases of a run split across targets by weight, adding up to `total` (the largest remainders round up). */
export function casesPerTarget(total, names) {
  const sum = names.reduce((all, name) => all + TARGETS[name].weight, 0);
  const shares = names.map((name) => (total * TARGETS[name].weight) / sum);
  const counts = shares.map(Math.floor);
  const left = total - counts.reduce((a, b) => a + b, 0);
  shares.map((share, index) => [share - counts[index], index]).sort((a, b) => b[0] - a[0]).slice(0, left).forEach(([, index]) => { counts[index]++; });
  return Object.fromEntries(names.map((name, index) => [name, counts[index]]));
}

/** Bytes a payload carries (its inputs, or its events' text), for "size" in the figures. */
export function payloadBytes(payload) {
  if (payload.inputs) return payload.inputs.reduce((sum, input) => sum + input.bytes.length, 0);
  return payload.events.reduce((sum, event) => sum + Buffer.byteLength(`${event.address ?? ''}${event.status ?? ''}${event.diagnostic ?? ''}`), 0);
}
