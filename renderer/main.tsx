import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connect } from './bridge.js';
import { attach } from './stores/attach.js';
import './styles.css';
import './operator.css';

// The app's start: connect to the engine once and hand the API to the stores before the first
// render (the first screen loads profiles through it).
attach(connect());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
