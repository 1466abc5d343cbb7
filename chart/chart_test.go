package chart_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"cnsbot"
	"cnsbot/chart"
)

// seedChart is the brief's ten sector indicators at 21/7/2023.
func seedChart() *chart.Chart {
	return &chart.Chart{
		Title:    "Kết quả thực hiện chỉ tiêu ngành năm 2023",
		Subtitle: "Tỉnh Lào Cai — lũy kế đến 21/07/2023 · 5/10 chỉ tiêu đạt và vượt",
		Target:   100,
		Legend:   chart.Legend{Met: "Đạt và vượt", InProgress: "Chưa đạt", Behind: "Chậm", NoPlan: "Chưa có kế hoạch"},
		Bars: []chart.Bar{
			{Label: "CT01 Hồ sơ công việc cấp tỉnh xử lý trên môi trường mạng", Value: 97.4 / 95 * 100, Status: cnsbot.StatusExceeded, Text: "103%"},
			{Label: "CT02 Sản phẩm OCOP lên sàn TMĐT", Value: 156.0 / 163 * 100, Status: cnsbot.StatusInProgress, Text: "96% (156/163)"},
			{Label: "CT03 Chủ thể OCOP có tài khoản thanh toán", Value: 100, Status: cnsbot.StatusMet},
			{Label: "CT04 Tổ CNSCĐ được thành lập", Value: 100, Status: cnsbot.StatusMet, Text: "1.562/1.562"},
			{Label: "CT05 Xếp hạng NDXP (cả nước)", Value: 500, Status: cnsbot.StatusExceeded, Text: "hạng 1"},
			{Label: "CT06 TTHC cung cấp DVC trực tuyến toàn trình", Value: 85, Status: cnsbot.StatusInProgress},
			{Label: "CT07 Hệ thống thông tin được phê duyệt cấp độ ATTT", Value: 60, Status: cnsbot.StatusBehind},
			{Label: "CT08 Lớp ATTT cho cán bộ chuyên trách", Value: 37.5, Status: cnsbot.StatusBehind, Text: "37,5%"},
			{Label: "CT09 Thôn, TDP có sóng băng rộng di động", Value: 97.6 / 99 * 100, Status: cnsbot.StatusInProgress, Text: "98,6%"},
			{Label: "CT10 Đơn vị cấp huyện có người phát ngôn, cổng TTĐT", Value: 100, Status: cnsbot.StatusMet},
		},
	}
}

// MustDecodePNG draws c and decodes the PNG it wrote.
func MustDecodePNG(tb testing.TB, c *chart.Chart) image.Image {
	tb.Helper()
	var buf bytes.Buffer
	if err := c.PNG(&buf); err != nil {
		tb.Fatalf("PNG: %v", err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		tb.Fatalf("decode PNG: %v", err)
	}
	return img
}

func TestChartPNG(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := seedChart()
		img := MustDecodePNG(t, c)
		if got, want := img.Bounds().Size(), image.Pt(chart.Width, c.Height()); got != want {
			t.Fatalf("size=%v, want %v", got, want)
		}
		if c.Height() < 10*46 || c.Height() > 900 {
			t.Fatalf("Height=%d for 10 bars", c.Height())
		}
		// Each bar is drawn in its status colour somewhere on its row.
		green, red := 0, 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				switch {
				case r>>8 == 0x2b && g>>8 == 0x8a && bl>>8 == 0x3e:
					green++
				case r>>8 == 0xd6 && g>>8 == 0x33 && bl>>8 == 0x33:
					red++
				}
			}
		}
		if green < 1000 || red < 1000 {
			t.Fatalf("green=%d red=%d pixels: bars missing", green, red)
		}
	})

	t.Run("Empty", func(t *testing.T) {
		c := &chart.Chart{Title: "Không có số liệu", Lang: "vi"}
		if got := MustDecodePNG(t, c).Bounds().Dx(); got != chart.Width {
			t.Fatalf("width=%d", got)
		}
	})

	t.Run("Tall", func(t *testing.T) {
		c := &chart.Chart{Title: "Xã", Target: 100}
		for i := range chart.MaxBars {
			c.Bars = append(c.Bars, chart.Bar{Label: "Xã Tả Van Chư", Value: float64(i), Status: cnsbot.StatusBehind})
		}
		img := MustDecodePNG(t, c)
		// Telegram's limit for a photo.
		if s := img.Bounds().Size(); s.X+s.Y > 10000 {
			t.Fatalf("size=%v: over Telegram's photo limit", s)
		}
	})

	t.Run("ErrTooManyBars", func(t *testing.T) {
		c := &chart.Chart{Bars: make([]chart.Bar, chart.MaxBars+1)}
		if err := c.PNG(&bytes.Buffer{}); err == nil {
			t.Fatal("no error")
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				var buf bytes.Buffer
				if err := seedChart().PNG(&buf); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	})
}

// TestChartSample writes the seed chart to a file: to CNSBOT_SAMPLE_DIR
// when set (to look at it), else to a temporary directory.
func TestChartSample(t *testing.T) {
	dir := os.Getenv("CNSBOT_SAMPLE_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	for name, lang := range map[string]string{"chart_vi.png": "vi", "chart_en.png": "en"} {
		c := seedChart()
		c.Lang = lang
		var buf bytes.Buffer
		if err := c.PNG(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", path, buf.Len())
	}
}

// The legend's words are the caller's, in the reader's language: an English
// chart says "In progress", never "Chưa đạt".
func TestLegendFromCaller(t *testing.T) {
	c := &chart.Chart{
		Title: "Completion", Target: 100, Lang: "en",
		Legend: chart.Legend{Met: "Met or exceeded", InProgress: "In progress", Behind: "Behind", NoPlan: "No plan"},
		Bars: []chart.Bar{
			{Label: "VNEID", Value: 85, Status: cnsbot.StatusInProgress},
			{Label: "DVC", Value: 120, Status: cnsbot.StatusExceeded},
		},
	}
	got := c.LegendNames()
	if len(got) != 2 || got[0] != "Met or exceeded" || got[1] != "In progress" {
		t.Fatalf("LegendNames()=%q", got)
	}
	if _, err := c.Draw(); err != nil {
		t.Fatal(err)
	}
}
