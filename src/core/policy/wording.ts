// What a server's words say about a failure, in groups that the decision table (./decide.ts) takes in order.
// Each group is an ordered list: the first pattern that matches names the reason. Patterns are written from what
// servers mean, in the languages their bounces come in, and each is linear in the text's length.
import type { ReasonCategory } from '../knowledge/types';

/** A text pattern and the reason it signals. */
export type WordingRule = readonly [RegExp, ReasonCategory];

/**
 * Phrases whose meaning is settled although they contain words of other groups ("access denied", "does not
 * accept"): each says the address or the domain receives no mail.
 */
export const SETTLED_GONE: readonly WordingRule[] = [
  // cPanel's Exim: the recipient domain has no usable MX or address record; its "may be blacklisted" is boilerplate.
  [/missing the proper dns entries/i, 'host-unknown'],
  // RFC 7505 null MX, and servers quoting it in words.
  [/null ?mx|an mx or srv record indicated no smtp service|does not accept (?:e-?)?mail|doesn't accept mail|domain does not receive mail/i, 'null-mx'],
  // Exchange Online's directory-based edge blocking answers an unknown recipient with "Access denied".
  [/recipient address(?:es)? rejected ?: access denied|has (?:been )?moved|has been replaced by|no longer (?:valid|available|in use|accepts mail|active)|address (?:has been )?(?:deactivated|retired)/i, 'user-unknown'],
];

/** The condition passes: the same address can receive the next message (or this one, later). */
export const PASSING: readonly WordingRule[] = [
  [/over (?:disk )?quota|quota|mailbox (?:is )?full|mail ?box full|mailfolder is full|insufficient (?:disk )?(?:space|storage)|out of storage|storage (?:allocation|space) exceeded|not enough (?:disk )?space|mailbox size limit exceeded|too much mail data|full mailbox|bo[iî]te (?:aux lettres |de r[ée]ception )?(?:est )?pleine|postfach (?:ist )?voll|speicherplatz|buz[oó]n (?:est[aá] )?lleno|caixa (?:postal |de correio )?(?:est[aá] )?(?:cheia|lotada)|casella (?:di posta )?(?:[eè] )?piena|(?:mailbox|postbus) (?:is )?vol\b|容量|メールボックスがいっぱい|邮箱已满|信箱已满|사서함이 가득|용량|переполнен|превышен/i, 'mailbox-full'],
  [/gr[ae]y-?list/i, 'rate-limited'],
  [/too many (?:connections|messages|recipients|concurrent)|rate (?:limit|exceeded)|at a rate that|throttl|sending rate|frequency limit|exceeded .{0,20}limit|over (?:the )?(?:rate )?limit/i, 'rate-limited'],
  [/retry time ?out exceeded|retry timeout|delivery time expired|message expired|expired in queue|too long in queue|queue time exceeded|could not be delivered (?:within|for)|(?:not|n't) (?:been )?delivered (?:within|for|in) \d|delivery expired|maximum time|time(?:d)? ?out waiting|timeout exceeded/i, 'expired'],
  // DNS trouble, not an answer that the name does not exist ("Host not found, try again" is BIND's time-out).
  [/malformed or unexpected name server reply|name server failure|server ?fail|temporary failure in name resolution|dns (?:lookup )?time ?out|not found, try again/i, 'network'],
  [/connection (?:timed out|refused|reset)|could not connect|no route to host|network (?:is )?unreachable|lost connection|timed out|too many hops|loops? back|routing loop|mail loop|loop detected/i, 'network'],
  [/(?<!not a |non-?)temporar(?:y|ily)|transient|(?<!(?:and|then) )try (?:again|later)|retry (?:later|again)|(?:réessayer|reessayer)|später|temporär|temporaire|temporal|temporaneamente|tijdelijk|一時的|暂时|暫時|일시적|временно/i, 'technical'],
];

/**
 * The refusal is about the sender, the message or the account's state, not about whether the address exists.
 * "client host [" reads its bracket only up to a next "client host [": that one ends at the same "]" and matches
 * exactly when this one would, and each bracket without its "]" was otherwise scanned to the end of the text.
 */
export const ABOUT_SENDER_OR_MESSAGE: readonly WordingRule[] = [
  [/after MAIL FROM|in reply to MAIL FROM|not accepting (?:e-?mail|mail|messages) from/i, 'blocked'],
  // Facebook's RCP-P2 and similar: the recipient's own settings refused the sender.
  [/recipient(?:'s)? preferences|refused due to recipient/i, 'policy'],
  // Local delivery programs failing (procmail, pipes) say nothing about the address.
  [/procmail|couldn't create|mailer (?:error|failure)|command (?:died|failed)|exited with|\bexit (?:status|code)/i, 'technical'],
  [/message (?:is )?too (?:big|large)|message size exceeds|exceeds? (?:the )?(?:maximum )?(?:message )?size|size limit|message length exceeds|too big for/i, 'message-too-big'],
  // Disabled accounts are often re-enabled: the address may work again.
  [/account (?:has been |is )?(?:disabled|suspended|inactive|locked|frozen|blocked)|mailbox (?:has been |is )?(?:disabled|suspended|inactive|locked|frozen)|account (?:is )?(?:temporarily )?unavailable: account|(?:disabled|suspended|inactive|deactivated|expired) (?:account|mailbox|user|recipient)|is (?:disabled|deactivated)\b|receiving (?:is )?disabled|mailbox unavailable: account suspended/i, 'mailbox-disabled'],
  [/\bspam(?:my)?\b|unsolicited|junk mail|bulk mail|content (?:was )?rejected|looks like|virus|malware|infected/i, 'spam-detected'],
  [/relay(?:ing)? (?:access )?denied|relay(?:ing)? (?:is )?(?:disallowed|not allowed|prohibited)|not permitted to relay|relay not permitted|we do not relay|not allowed to relay|unable to relay|relaying denied|no relaying/i, 'policy'],
  [/\b(?:spf|dkim|dmarc)\b|authenticat|spoof|tls (?:is )?required|must use starttls|encryption required|not authorized to send/i, 'authentication'],
  [/block(?:ed|list)|black ?list|\bdnsbl\b|\brbl\b|spamhaus|spamcop|barracuda|reputation|(?<!not )listed (?:at|in|on|by)|client host (?:\[(?:[^\]c]|c(?!lient host \[))*\] )?rejected|(?:sender|your) ip|ip address .{0,40}(?:rejected|refused|listed)|access denied|banned|refused to talk|connection (?:refused|rejected) (?:by|from)|not allowed to send|sender (?:address )?rejected|sender (?:domain|address) (?:must exist|not found|unknown)|domain of sender address|sender verify failed|invalid sender|sender (?:is )?invalid|[ée]metteur invalide|\bptr\b|reverse dns|\brdns\b|resource record/i, 'blocked'],
  [/syntax error|command (?:not recognized|unrecognized)|bad sequence of commands|unrecognized command/i, 'protocol'],
  [/policy|prohibited|not permitted|violat|refused by (?:the )?administrator|forbidden|filtered|content filter|rejected by .{0,30}filter|message (?:was )?refused|header .{0,20}(?:invalid|missing|rejected)|invalid message/i, 'policy'],
];

/** The address or its domain cannot receive mail. */
export const GONE: readonly WordingRule[] = [
  [/unknown (?:host|domain)|host (?:or domain name )?(?:not found|unknown)|domain (?:not found|does not exist|is not reachable|must exist|unknown|name not found|not exist)|no such domain|name (?:or service )?not known|name service error|unrout(?:e)?able|no mx (?:record|found|or a)|mx lookup fail|dns error|domain .{0,40} does not exist|can't route by dns|hostname lookup failed|bad destination system address|unknown domain name|\bno-domain\b|not a valid domain|domaine inexistant|domaine .{0,40}n'existe pas|ホストが見つかりません|dom[ií]nio (?:inexistente|n[aã]o existe)|dominio (?:inexistente|no existe)|domain existiert nicht|ドメインが(?:存在しません|見つかりません)|域名不存在|도메인이 존재하지/i, 'host-unknown'],
  [/user(?:name)? (?:is )?(?:unknown|not found|not known|not exist|does not exist|doesn't exist|unavailable|missing)|unknown (?:virtual )?(?:user|recipient|mailbox|local[- ]part|address|alias|e-?mail address)|(?:mailbox|user|recipient|rcpt|account) (?:<?@>? |[^\s@]+ )?(?:does ?n[o']t exist|was not found(?: in)?|not found)\b|<@> not found|archived recipient|can'?t accept user|destination addresses were unknown|is not an active address|no mail ?box available for this user|non-?existent (?:user|mailbox|recipient|address)|not a local address|recipient is not local|(?:account|address) (?:that )?you tried to reach does not exist|e-?mail name is not found|no thank you rejected: account unavailable|no such (?:user|mailbox|recipient|address|account|person|email|local user|mail drop)|no valid recipients?|(?:mailbox|account|recipient|address|user|e-?mail address|destination|addressee) (?:does ?n[o']t|did ?n[o']t|doesnt) exist|(?:mailbox|recipient|address|user) (?:not found|not present|unknown|not exist|invalid)|not a (?:valid|known) (?:user|mailbox|recipient|address)|is not a valid (?:mailbox|user|recipient|(?:rfc-?5321 )?(?:e-?mail )?address)|invalid[- ](?:final delivery )?(?:recipient|mailbox|user|userid|address|e-?mail)|bad[-_ ](?:recipient|address|destination mailbox|mailbox)(?! syntax)|addressee unknown|no (?:mailbox|account) (?:here |by that name|found|available)|there is no one at this address|not listed in|not found in the (?:directory|address book)|badrcptto|not in (?:my |the )?(?:validrcptto|recipient )?list|doesn't have an? .{0,30}account|unknown or illegal alias|recipient not ok|is not a known user|no one at this address|does not have an? (?:email )?account|couldn't be found|could not be found|address .{0,30}(?:not valid|invalid)/i, 'user-unknown'],
  // Other languages: French, Portuguese, Spanish, Italian, German, Dutch, Russian, Japanese, Chinese, Korean.
  [/utilisateur inconnu|destinataire inconnu|adresse (?:e-?mail )?(?:inconnue|inexistante|invalide)|bo[iî]te (?:aux lettres )?(?:inconnue|inexistante)|n'existe pas|destinat[aá]rio (?:desconhecido|inexistente)|usu[aá]rio (?:desconhecido|inexistente|n[aã]o (?:existe|encontrado))|conta (?:inexistente|n[aã]o existe)|n[aã]o existe|usuario (?:desconocido|inexistente|no existe)|destinatario (?:desconocido|inexistente)|buz[oó]n (?:inexistente|no existe)|no existe|utente (?:sconosciuto|inesistente)|destinatario sconosciuto|indirizzo (?:inesistente|sconosciuto)|nessun utente|non esiste|(?:empf[aä]nger|benutzer|adresse|postfach|mailbox)[^.]{0,30}(?:unbekannt|nicht gefunden|existiert nicht)|unbekannte[rs]? (?:empf[aä]nger|benutzer|adresse)|ung[uü]ltige (?:empf[aä]nger|adresse)|bestaat niet|onbekende (?:gebruiker|ontvanger)|onbekend (?:adres|e-?mailadres)|ongeldig (?:adres|e-?mailadres)|пользовател[ья] .{0,20}не (?:найден|существует)|нет такого (?:пользователя|адреса|ящика)|адрес .{0,20}не (?:найден|существует)|(?:почтовый )?ящик .{0,20}не существует|не существует|存在しません|見つかりません|宛先不明|該当(?:する)?(?:ユーザ|アドレス)(?:ー)?(?:は|が)(?:ありません|いません)|用户不存在|用戶不存在|收件人不存在|邮箱不存在|郵箱不存在|帐户不存在|账户不存在|帳戶不存在|无此用户|無此用戶|不存在的(?:用户|地址)|존재하지 않|사용자를 찾을 수 없|없는 (?:사용자|계정|주소)/i, 'user-unknown'],
  // RFC 3463's X.3.2: the receiving system as a whole does not take mail (the seed of this project).
  [/system not accepting|not accepting (?:network )?messages|not accepting mail|service (?:temporarily )?unavailable|system (?:is )?(?:busy|down|full)/i, 'system-not-accepting'],
];

/**
 * Words that point at the recipient without proving it is gone ("undeliverable", "mailbox unavailable"): the
 * address may be bad, or the server hides a block behind them. They never put an address on the list alone.
 */
export const WEAK: readonly WordingRule[] = [
  [/mailbox (?:@ )?(?:is )?unavailable|requested action not taken|recipient (?:address )?rejected|rejected recipient|(?:recipient|address) (?:is )?(?:rejected|refused)|refused|undeliverable|cannot be delivered|address .{0,30}(?:rejected|denied)/i, 'user-unknown'],
  [/rejected|denied/i, 'policy'],
];

/** The first rule of a group that matches, or undefined. */
export function firstMatch(rules: readonly WordingRule[], text: string): ReasonCategory | undefined {
  for (const [pattern, reason] of rules) if (pattern.test(text)) return reason;
  return undefined;
}
