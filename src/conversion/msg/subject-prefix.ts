/**
 * Splits a subject into PidTagSubjectPrefix and PidTagNormalizedSubject the way MAPI computes them
 * when the sender set no prefix: one to three letters, a colon and a space ("RE: ", "AW: ", "Fwd: ")
 * form the prefix; anything else ("Re:no space", "2024: plan", "[list] x") has none. Outlook threads
 * and sorts conversations on the normalized subject, so it must match what Outlook would derive.
 */
export interface SplitSubject {
  prefix: string;
  normalized: string;
}

const PREFIX = /^\p{L}{1,3}: /u;

export function splitSubject(subject: string): SplitSubject {
  const match = PREFIX.exec(subject);
  if (!match) return { prefix: '', normalized: subject };
  return { prefix: match[0], normalized: subject.slice(match[0].length) };
}
