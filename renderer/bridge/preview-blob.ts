// A preview's bytes over the contract ('objects.previewBytes', base64), as a Blob kept in memory: how the desktop app
// (and the in-memory bridge of the tests) gets them; browser mode fetches them from the host instead.
import type { CofferApi, Envelope } from '../../shared/contract';

export async function blobFromChannel(api: CofferApi, previewId: string): Promise<Envelope<Blob>> {
  const answer = await api.objects.previewBytes({ previewId });
  if (!answer.ok) return answer;
  const raw = atob(answer.value.base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return { ok: true, value: new Blob([bytes], { type: answer.value.contentType }) };
}
