// Package convtest is the contract test suite for cnsbot.ConversationStore.
//
// Every implementation (storage/redis, storage/memory) runs the same cases
// from its own tests with RunConversationStoreTests, so that the bot behaves
// the same whichever store is configured. It is used by tests only.
package convtest
