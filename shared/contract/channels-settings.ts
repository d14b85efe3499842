// Settings and SSE-C key management (issue 14 §3): declared with channel() from channel-kit.ts and merged into `channels` by channels.ts.
export const settingsChannels = {} as const;
