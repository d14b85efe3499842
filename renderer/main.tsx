// The page's entry: pick the transport, build the stores, choose the language, draw the window.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBridge } from './bridge/bridge';
import { App } from './components/App';
import { createI18n, startLanguage } from './i18n/i18n';
import { createAppModel } from './stores/app-model';
import './styles/app.css';

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

async function main() {
  const storage = safeStorage();
  const i18n = await createI18n(startLanguage(storage, navigator.language));
  document.documentElement.lang = i18n.language;
  document.title = i18n.t('app.title');
  const model = createAppModel(createBridge());
  void model.start();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App model={model} i18n={i18n} storage={storage} />
    </StrictMode>,
  );
}

void main();
