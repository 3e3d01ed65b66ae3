import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { readPageConfig } from './config.js';
import { setUpFlags } from './flags.js';
import './style.css';

const config = readPageConfig(location.search);
setUpFlags(config);
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App config={config} />
  </StrictMode>,
);
