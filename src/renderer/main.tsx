/** Window entry: connect to the backend (Electron IPC or browser-mode WebSocket), then render. */
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { runAction } from './state/actions.js';
import * as app from './state/controller.js';
import { connectBackend } from './transport/connectBackend.js';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
root.render(<App />);

connectBackend()
  .then(async (backend) => {
    backend.onMenuCommand((command) => runAction(command.id, command.path));
    await app.start(backend);
    document.body.dataset.ready = 'true';
  })
  .catch((err: unknown) => app.showError(err));
