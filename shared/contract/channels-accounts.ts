// COS accounts, local store URLs, bucket management and vault protection (issue 14 §1): declared with channel() from channel-kit.ts and merged into `channels` by channels.ts.
export const accountChannels = {} as const;
