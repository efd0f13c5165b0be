// The Deliveries view (placeholder until it is built).
'use strict';

(function () {
  TC.status(document.getElementById('summary'), 'Not built yet.');
})();
