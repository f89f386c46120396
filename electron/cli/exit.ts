/** The CLI's exit statuses (every command): its own file so start-up code can use it without the option parsers. */
export const EXIT = { ok: 0, notOk: 1, badInput: 2, runtime: 3, interrupted: 130 } as const;
