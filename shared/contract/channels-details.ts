// Object details, share links, previews, rename and move (issue 14 §2): declared with channel() from channel-kit.ts and merged into `channels` by channels.ts.
export const detailChannels = {} as const;
