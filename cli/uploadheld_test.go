package cli

import (
	"fmt"
	"testing"

	"github.com/ecabinet/ecabinet/replica"
)

// TestErrorMessage_NamesTheHeldPaper: a sync whose paper the hub could not
// take says which paper waits, in each language, and not only the hub's
// generic words; a paper over the hub's limit says so.
func TestErrorMessage_NamesTheHeldPaper(t *testing.T) {
	tests := []struct {
		lang, code, want string
	}{
		{"vi", replica.CodeInternal, "Tài liệu “Tờ trình số 12” chưa gửi được vì máy chủ tạm thời chưa lưu được tài liệu; tài liệu và các thay đổi sau nó sẽ gửi ở lần đồng bộ sau."},
		{"en", replica.CodeInternal, "The paper “Tờ trình số 12” was not sent: the hub cannot store papers just now; it and the changes after it go at the next sync."},
		{"vi", replica.CodeTooLarge, "Tài liệu “Tờ trình số 12” lớn hơn giới hạn máy chủ cho phép nên chưa gửi được; tài liệu và các thay đổi sau nó được giữ trên máy này. Hãy báo quản trị máy chủ."},
		{"en", replica.CodeTooLarge, "The paper “Tờ trình số 12” is over the hub's size limit and was not sent; it and the changes after it are kept on this computer. Tell the hub's administrator."},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.code, func(t *testing.T) {
			r := &runner{lang: tt.lang, tr: newTranslator(tt.lang)}
			err := fmt.Errorf("sync: %w", &replica.UploadHeldError{Paper: "Tờ trình số 12", Hub: &replica.Error{Status: 503, Code: tt.code, Message: "the hub could not store the chunk; try again"}})
			if got := r.errorMessage(err); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
