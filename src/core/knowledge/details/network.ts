// X.4.x: Network and Routing Status.
import type { DetailNotes } from '../notes';

export const NETWORK: Readonly<Record<number, DetailNotes>> = {
  0: {
    category: 'network',
    about: 'A network or routing problem without a more precise reason.',
    permanent: 'As 5.4.0 routing failed for good, often a DNS or relay configuration fault.',
    transient: 'As 4.4.0 a network or routing problem deferred the message.',
    causes: ['DNS problems for the recipient domain', 'a relay that cannot reach the next hop'],
    actions: ['check the MX and A records of the recipient domain', 'retry the temporary form'],
  },
  1: {
    category: 'network',
    about: 'The sending server could not get an answer from the receiving host: no connection or no greeting.',
    permanent: 'As 5.4.1 the registry meaning is "no answer from host", but Microsoft uses it for a directory-based refusal of unknown recipients (see the vendor note).',
    transient: 'As 4.4.1 the connection timed out or was refused; the queue retries.',
    causes: ['the MX host is down, overloaded or firewalled', 'a routing problem between the two networks'],
    actions: ['let the queue retry', 'test port 25 on each MX host of the domain'],
  },
  2: {
    category: 'network',
    about: 'The connection was established but broke during the session.',
    permanent: 'As 5.4.2 it is unusual; most senders retry anyway.',
    transient: 'As 4.4.2 the connection dropped or timed out mid-session; the queue retries.',
    causes: ['a timeout on either side during DATA', 'a firewall or TLS problem that cuts the session'],
    actions: ['let the queue retry', 'check for TLS handshake errors and timeouts in the sending log'],
  },
  3: {
    category: 'network',
    about: 'A directory server the routing needed (usually DNS) failed.',
    permanent: 'As 5.4.3 it is rare: directory failures are normally temporary.',
    transient: 'As 4.4.3 a DNS lookup failed (SERVFAIL, timeout); the queue retries.',
    causes: ["the recipient domain's DNS servers do not answer", "the sender's own resolver is failing"],
    actions: ["check the sender's DNS resolver", "query the recipient domain's MX records from outside"],
  },
  4: {
    category: 'host-unknown',
    about: 'The mail system could not find a route to the destination: no usable MX or address records, or no route for the domain in the relay tables.',
    permanent: 'As 5.4.4 the domain cannot be reached by mail as it stands.',
    transient: 'As 4.4.4 the route may appear after a DNS or relay change.',
    causes: ['the domain has no MX and no A/AAAA record', 'an internal relay has no transport for that domain'],
    actions: ['check the domain for typos and its MX records', 'suppress addresses at domains that stay unroutable'],
  },
  5: {
    category: 'rate-limited',
    about: 'The mail system is congested.',
    permanent: 'As 5.4.5 it is unusual: congestion passes.',
    transient: 'As 4.4.5 the receiver or a relay is overloaded; the queue retries.',
    causes: ['a traffic peak on the receiving side', 'too many connections from the sender at once'],
    actions: ['let the queue retry', 'lower concurrency towards that domain'],
  },
  6: {
    category: 'routing',
    about: 'A routing loop: the message went round between servers (too many Received headers, or MX pointing back).',
    permanent: 'As 5.4.6 the loop stays until someone fixes the configuration.',
    transient: 'As 4.4.6 the loop may be a short-lived misconfiguration.',
    causes: ['forwarding rules that send mail back and forth', 'an MX or relay host that points at itself'],
    actions: ['read the Received headers of the bounce to find the loop', 'tell the receiving postmaster, who must fix the routing'],
  },
  7: {
    category: 'expired',
    about: 'The message stayed in a queue too long: every attempt within the queue lifetime failed, so the sender gave up.',
    permanent: 'As 5.4.7 the sending side gave up; the failures behind it were temporary ones.',
    transient: 'As 4.4.7 it is a delay warning: still trying.',
    causes: ['the receiving host was unreachable for days', 'repeated temporary refusals (greylisting, rate limits) until the lifetime ran out'],
    actions: ['read the last attempt error in the bounce: it is the real reason', 'fix the underlying cause before resending'],
  },
};
