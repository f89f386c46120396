/** What a History id looks like (`20261202-140101-ab12`): letters, digits and dashes, at most 80. One definition for every reader. */
export const HISTORY_ID_RE = /^[A-Za-z0-9-]{1,80}$/;
