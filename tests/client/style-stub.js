// CSS imports resolve to an empty module in jsdom tests.
module.exports = {};
