export {
  FME_HOST,
  FME_SDK_NAME,
  FME_SDK_VERSION,
  type FmeEventClock,
  type FmeEventRequest,
  type FmeEventSource,
  type FmeImpressionContext,
  fmeImpressionRequest,
} from './impression.js';
